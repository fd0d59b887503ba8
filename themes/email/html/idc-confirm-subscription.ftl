<#-- Double opt-in: the yes to a purpose waits for this link (ConfirmationMails). -->
<html>
<body>
<p>${msg("idcConfirmMailIntro", idcPurpose)}</p>
<p><a href="${idcConfirmUrl}">${msg("idcConfirmButton")}</a></p>
<p>${msg("idcConfirmMailIgnore")}</p>
</body>
</html>
