<#-- One-click unsubscribe pages: confirm (GET, changes nothing), done (with undo), undone, error. -->
<#import "template.ftl" as layout>
<#-- each state its own title and heading (a global shadows Keycloak's "Sign in to …") -->
<#assign heading = msg({"error": "idcLinkInvalidTitle", "confirm": "idcUnsubscribeTitle", "done": "idcUnsubscribeDoneTitle", "undone": "idcUnsubscribeUndoneTitle"}[idcState])>
<#global title = heading + " – " + (realm.displayName!'')>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${heading}
    <#elseif section = "form">
        <div id="idc-unsubscribe" data-state="${idcState}">
            <#if idcState = "error">
                <p id="idc-unsubscribe-error">${msg("idcUnsubscribeInvalid", idcError)}</p>
            <#elseif idcState = "confirm">
                <p id="idc-unsubscribe-question">${msg("idcUnsubscribeQuestion", idcPurpose, idcChannel)}</p>
                <#if !idcSubscribed><p>${msg("idcUnsubscribeAlreadyOff")}</p></#if>
                <form method="post" action="${idcPostUrl}">
                    <input type="hidden" name="List-Unsubscribe" value="One-Click">
                    <button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!}" type="submit"
                            id="idc-unsubscribe-confirm">${msg("idcUnsubscribeConfirm")}</button>
                </form>
            <#elseif idcState = "done">
                <p id="idc-unsubscribe-done">${msg("idcUnsubscribeDone", idcPurpose, idcChannel)}</p>
                <#if idcCanUndo>
                    <form method="post" action="${idcUndoUrl}">
                        <button class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!}" type="submit"
                                id="idc-unsubscribe-undo">${msg("idcUnsubscribeUndo")}</button>
                    </form>
                </#if>
            <#elseif idcState = "undone">
                <#-- undo restores what was there before the click: that may be "off" (an opt-in never said yes to) -->
                <p id="idc-unsubscribe-undone">${msg(idcSubscribed?then("idcUnsubscribeUndone", "idcUnsubscribeUndoneOff"), idcPurpose, idcChannel)}</p>
            </#if>
            <#-- a touch target of at least 24 px (WCAG 2.5.8): the German text wraps into a short line -->
            <p><a id="idc-unsubscribe-account" href="${idcAccountUrl}" style="display:inline-block;min-height:24px;line-height:24px">${msg("idcUnsubscribeManage")}</a></p>
        </div>
    </#if>
</@layout.registrationLayout>
