<#ftl output_format="plainText">
${msg("guardNewDeviceHeading")}
${realmName}

${msg("guardNewDeviceIntro", guardUsername, realmName)}

  ${msg("guardNewDeviceBrowser")}: ${guardBrowser!msg("guardNewDeviceUnknown")}
  ${msg("guardNewDeviceOs")}: ${guardOs!msg("guardNewDeviceUnknown")}
  ${msg("guardNewDeviceIp")}: ${guardIp!msg("guardNewDeviceUnknown")}
  ${msg("guardNewDeviceTime")}: ${guardTime}

${msg("guardNewDeviceIfYou")}

<#if guardLink??>
${msg("guardNewDeviceIfNotYou")}

${msg("guardNewDeviceLink")}: ${guardLink}

${msg("guardNewDeviceLinkExpires", guardLinkExpires)}
<#else>
${msg("guardNewDeviceIfNotYouNoLink")}
</#if>

--
${msg("guardNewDeviceFooter", realmName)}
