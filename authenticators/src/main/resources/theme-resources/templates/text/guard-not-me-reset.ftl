<#ftl output_format="plainText">
${msg("guardNotMeResetHeading")}
${realmName}

${msg("guardNotMeResetIntro", guardUsername)}

${msg("guardNotMeResetLink")}: ${guardLink}

${msg("guardNotMeResetLinkExpires", guardLinkExpires)}

--
${msg("guardNotMeResetFooter", realmName)}
