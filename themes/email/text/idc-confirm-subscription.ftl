<#ftl output_format="plainText">
${msg("idcConfirmMailIntro", idcPurpose)}

${msg("idcConfirmButton")}: ${idcConfirmUrl}

${msg("idcConfirmMailIgnore")}
