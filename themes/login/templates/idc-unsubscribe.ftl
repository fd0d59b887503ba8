<#-- One-click unsubscribe pages: confirm (GET, changes nothing), done (with undo and, below it, the alternatives
     "pause instead" / "fewer emails instead"), undone, paused, fewer, error. -->
<#import "template.ftl" as layout>
<#-- each state its own title and heading (a global shadows Keycloak's "Sign in to …") -->
<#assign heading = msg({"error": "idcLinkInvalidTitle", "confirm": "idcUnsubscribeTitle", "done": "idcUnsubscribeDoneTitle", "undone": "idcUnsubscribeUndoneTitle", "paused": "idcInsteadPausedTitle", "fewer": "idcInsteadFewerTitle"}[idcState])>
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
                <#-- offered only after the unsubscribe took full effect, as secondary choices (README: dark patterns) -->
                <#if idcInsteadUrl??>
                    <section id="idc-unsubscribe-instead" aria-labelledby="idc-instead-heading">
                        <h2 id="idc-instead-heading" style="font-size:1.1em">${msg("idcInsteadHeading")}</h2>
                        <#if idcPauses?has_content>
                            <form method="post" action="${idcInsteadUrl}">
                                <label for="idc-instead-pause">${msg("idcInsteadPauseLabel")}</label>
                                <select id="idc-instead-pause" name="pauseDays">
                                    <#list idcPauses as p><option value="${p.days}">${msg("idcInsteadDays", p.days)}</option></#list>
                                </select>
                                <button class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!}" type="submit"
                                        id="idc-instead-pause-button">${msg("idcInsteadPause")}</button>
                            </form>
                        </#if>
                        <#if idcFrequencies?has_content>
                            <form method="post" action="${idcInsteadUrl}">
                                <label for="idc-instead-frequency">${msg("idcInsteadFrequencyLabel")}</label>
                                <select id="idc-instead-frequency" name="frequency">
                                    <#list idcFrequencies as f><option value="${f.key}">${f.label}</option></#list>
                                </select>
                                <button class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!}" type="submit"
                                        id="idc-instead-fewer-button">${msg("idcInsteadFewer")}</button>
                            </form>
                        </#if>
                    </section>
                </#if>
            <#elseif idcState = "paused">
                <p id="idc-instead-paused">${msg("idcInsteadPaused", idcPurpose, idcChannel, idcUntil)}</p>
            <#elseif idcState = "fewer">
                <p id="idc-instead-fewer">${msg("idcInsteadFewerDone", idcPurpose, idcChannel, idcFrequency)}</p>
            <#elseif idcState = "undone">
                <#-- undo restores what was there before the click: that may be "off" (an opt-in never said yes to) -->
                <p id="idc-unsubscribe-undone">${msg(idcSubscribed?then("idcUnsubscribeUndone", "idcUnsubscribeUndoneOff"), idcPurpose, idcChannel)}</p>
            </#if>
            <#-- a touch target of at least 24 px (WCAG 2.5.8): the German text wraps into a short line -->
            <p><a id="idc-unsubscribe-account" href="${idcAccountUrl}" style="display:inline-block;min-height:24px;line-height:24px">${msg("idcUnsubscribeManage")}</a></p>
        </div>
    </#if>
</@layout.registrationLayout>
