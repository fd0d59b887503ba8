<#-- The consent step (required action idc-consent-step). Plain markup with the theme's classes, so it renders in
     the default login theme and in every theme that inherits from it. -->
<#import "template.ftl" as layout>
<#-- what changed in a text: removed words struck through, added ones underlined, each named for screen readers -->
<#macro diff segments><#list segments as s><#if s.op == "removed"><del class="idc-removed"><span class="idc-sr" style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap">${msg("idcConsentRemoved")} </span>${s.text}</del><#elseif s.op == "added"><ins class="idc-added"><span class="idc-sr" style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap">${msg("idcConsentAdded")} </span>${s.text}</ins><#else>${s.text}</#if></#list></#macro>
<#-- who the data goes to: part of the text the person answers -->
<#macro recipients p><#if p.recipients?has_content><p class="idc-purpose-recipients" id="idc-recipients-${p.key}">${msg("idcConsentRecipients", p.recipients)}</p></#if></#macro>
<#-- the page's own title: a global shadows the "Sign in to …" Keycloak puts in the data model -->
<#global title = msg("idcConsentPageTitle", (realm.displayName!''))>
<#-- what a choice's box is described by for screen readers: its text, who gets the data, its mechanism -->
<#function described p><#return (p.description?has_content)?then("idc-description-" + p.key + " ", "") + (p.recipients?has_content)?then("idc-recipients-" + p.key + " ", "") + "idc-mechanism-" + p.key></#function>
<@layout.registrationLayout displayMessage=true; section>
    <#if section = "header">
        ${msg("idcConsentTitle")}
    <#elseif section = "form">
        <#if idcGpc??>
            <div id="idc-gpc-notice" class="${properties.kcAlertClass!} pf-m-info" role="status">
                <span class="${properties.kcAlertTitleClass!}">${msg("idcConsentGpcHonored", idcGpc)}</span>
            </div>
        </#if>
        <#if idcGpcSeen??>
            <#-- where GPC is not binding: the signal was seen, and what the person can switch off themselves -->
            <div id="idc-gpc-seen" class="${properties.kcAlertClass!} pf-m-info" role="status">
                <span class="${properties.kcAlertTitleClass!}">${msg("idcConsentGpcSeen", idcGpcSeen)}</span>
            </div>
        </#if>
        <form id="idc-consent-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <#if idcPurposes?has_content>
            <fieldset id="idc-choices" class="idc-choices" style="border:0;margin:0;padding:0;min-width:0">
                <legend id="idc-consent-intro" style="font-size:inherit;border:0;margin-bottom:1em">${msg("idcConsentIntro")}</legend>
            </#if>
            <#list idcPurposes as p>
                <div class="${properties.kcFormGroupClass!} idc-purpose" id="idc-purpose-${p.key}">
                    <input type="hidden" name="shown" value="${p.key}">
                    <input type="hidden" name="version.${p.key}" value="${p.version}">
                    <#if p.agreedOn??>
                        <p class="idc-purpose-renewal" id="idc-renewal-${p.key}">${msg("idcConsentRenewal", p.agreedOn, p.label)}</p>
                    </#if>
                    <#if p.changed??>
                        <div class="idc-purpose-changed" id="idc-changed-${p.key}">
                            <p>${msg("idcConsentChanged", p.changed.answeredOn, p.changed.fromVersion, p.version)}</p>
                            <#if p.changed.label?has_content><p class="idc-diff-label"><strong><@diff p.changed.label/></strong></p></#if>
                            <p class="idc-diff-description"><@diff p.changed.description/></p>
                            <#if p.changed.recipientsAdded?has_content><p class="idc-diff-recipients-added"><ins class="idc-added">${msg("idcConsentRecipientsAdded", p.changed.recipientsAdded)}</ins></p></#if>
                            <#if p.changed.recipientsRemoved?has_content><p class="idc-diff-recipients-removed"><del class="idc-removed">${msg("idcConsentRecipientsRemoved", p.changed.recipientsRemoved)}</del></p></#if>
                        </div>
                    </#if>
                    <#if p.channelBoxes?has_content>
                        <#-- several channels: one answer each, so an answer for one never overwrites another -->
                        <strong class="idc-purpose-label">${p.label}</strong>
                        <#if p.description?has_content><p class="idc-purpose-description" id="idc-description-${p.key}">${p.description}</p></#if>
                        <@recipients p/>
                        <#list p.channelBoxes as c>
                            <input type="hidden" name="channel.${p.key}" value="${c.channel}">
                            <label class="idc-purpose-channel" for="idc-granted-${p.key}-${c.channel}">
                                <input type="checkbox" id="idc-granted-${p.key}-${c.channel}"
                                       name="granted.${p.key}/${c.channel}" value="on" <#if c.granted>checked</#if>
                                       aria-describedby="${described(p)}">
                                ${msg("idcConsentChannel", p.label, c.name)}
                            </label>
                        </#list>
                    <#else>
                        <label class="idc-purpose-label" for="idc-granted-${p.key}">
                            <input type="checkbox" id="idc-granted-${p.key}" name="granted.${p.key}" value="on"
                                   <#if p.granted>checked</#if> aria-describedby="${described(p)}">
                            <strong>${p.label}</strong>
                        </label>
                        <#if p.description?has_content><p class="idc-purpose-description" id="idc-description-${p.key}">${p.description}</p></#if>
                        <@recipients p/>
                    </#if>
                    <p class="idc-purpose-mechanism" id="idc-mechanism-${p.key}"><small>${msg("idcConsentMechanism." + p.mechanism)}<#if p.channels?has_content> · ${msg("idcConsentChannels", p.channels)}</#if><#if p.preTicked> ${msg("idcConsentPreTicked")}</#if></small></p>
                </div>
            </#list>
            <#if idcPurposes?has_content>
            </fieldset>
            </#if>
            <div id="kc-form-buttons" class="${properties.kcFormGroupClass!}">
                <#if idcPurposes?has_content>
                    <button class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!}" type="submit"
                            name="idc-action" value="accept-all" id="idc-accept-all">${msg("idcConsentAcceptAll")}</button>
                    <button class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!}" type="submit"
                            name="idc-action" value="decline-all" id="idc-decline-all">${msg("idcConsentDeclineAll")}</button>
                </#if>
                <button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!}" type="submit"
                        name="idc-action" value="save" id="idc-save">${msg(idcPurposes?has_content?then("idcConsentSave", "doContinue"))}</button>
                <#if isAppInitiatedAction??>
                    <button class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!}" type="submit"
                            name="cancel-aia" value="true" id="idc-cancel" formnovalidate>${msg("doCancel")}</button>
                </#if>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
