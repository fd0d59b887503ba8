<#-- Double opt-in confirmation pages: ask (GET, changes nothing), confirmed, error. -->
<#import "template.ftl" as layout>
<#-- each state its own title and heading (a global shadows Keycloak's "Sign in to …") -->
<#assign heading = msg({"error": "idcLinkInvalidTitle", "ask": "idcConfirmTitle", "confirmed": "idcConfirmDoneTitle"}[idcState])>
<#global title = heading + " – " + (realm.displayName!'')>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${heading}
    <#elseif section = "form">
        <div id="idc-confirm" data-state="${idcState}">
            <#if idcState = "error">
                <p id="idc-confirm-error">${msg("idcConfirmInvalid", idcError)}</p>
            <#elseif idcState = "ask">
                <p id="idc-confirm-question">${msg("idcConfirmQuestion", idcPurpose)}</p>
                <form method="post" action="${idcPostUrl}">
                    <input type="hidden" name="idc-action" value="confirm">
                    <button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!}" type="submit"
                            id="idc-confirm-button">${msg("idcConfirmButton")}</button>
                </form>
            <#elseif idcState = "confirmed">
                <p id="idc-confirm-done">${msg("idcConfirmDone", idcPurpose)}</p>
            </#if>
            <p><a id="idc-confirm-account" href="${idcAccountUrl}" style="display:inline-block;min-height:24px;line-height:24px">${msg("idcUnsubscribeManage")}</a></p>
        </div>
    </#if>
</@layout.registrationLayout>
