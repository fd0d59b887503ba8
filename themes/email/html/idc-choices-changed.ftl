<#-- Confirmation after a change from an email link or by an administrator (ConfirmationMails). -->
<html>
<body>
<p>${msg(idcByAdmin?then("idcChoicesChangedByAdmin", "idcChoicesChangedByLink"))}</p>
<ul>
<#list idcChanges as c>
    <li>${c.label}<#if c.channel?has_content> (${c.channel})</#if>: <strong>${msg(c.on?then("idcChoiceOn", "idcChoiceOff"))}</strong></li>
</#list>
</ul>
<p>${msg("idcChoicesChangedEffective")}</p>
<p><a href="${idcAccountUrl}">${msg("idcUnsubscribeManage")}</a></p>
</body>
</html>
