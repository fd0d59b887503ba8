<#ftl output_format="plainText">
${msg(idcByAdmin?then("idcChoicesChangedByAdmin", "idcChoicesChangedByLink"))}

<#list idcChanges as c>
- ${c.label}<#if c.channel?has_content> (${c.channel})</#if>: ${msg(c.on?then("idcChoiceOn", "idcChoiceOff"))}
</#list>

${msg("idcChoicesChangedEffective")}
${msg("idcUnsubscribeManage")}: ${idcAccountUrl}
