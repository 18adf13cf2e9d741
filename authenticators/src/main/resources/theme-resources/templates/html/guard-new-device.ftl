<#import "template.ftl" as layout>
<#-- Inline styles only: mail clients drop <style> blocks and external CSS. Colours are the login theme's
     (PatternFly 5): text #151515, help #4f5255 (7.9:1 on white), link blue #0066cc, danger #a30000. -->
<#assign label = "padding: 6px 16px 6px 0; color: #4f5255; font-size: 14px; white-space: nowrap; vertical-align: top;">
<#assign value = "padding: 6px 0; color: #151515; font-size: 14px; font-weight: 600; word-break: break-word;">
<@layout.emailLayout>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background: #f0f0f0; padding: 24px 12px; font-family: 'Red Hat Text', 'Helvetica Neue', Arial, sans-serif;">
  <tr><td align="center">
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width: 560px; background: #ffffff; border-top: 4px solid #0066cc; border-radius: 4px;">
      <tr><td style="padding: 24px 32px 8px 32px;">
        <p style="margin: 0 0 4px 0; color: #4f5255; font-size: 13px; letter-spacing: 0.04em; text-transform: uppercase;">${realmName}</p>
        <h1 id="guard-heading" style="margin: 0; color: #151515; font-size: 22px; line-height: 1.3; font-weight: 500;">${msg("guardNewDeviceHeading")}</h1>
      </td></tr>
      <tr><td style="padding: 8px 32px 0 32px; color: #151515; font-size: 15px; line-height: 1.5;">
        <p style="margin: 0 0 16px 0;">${msg("guardNewDeviceIntro", guardUsername, realmName)}</p>
        <table id="guard-new-device" role="presentation" cellpadding="0" cellspacing="0" style="border-collapse: collapse; width: 100%; background: #f5f5f5; border-radius: 4px;">
          <tr><td style="padding: 8px 16px 0 16px;" colspan="2"></td></tr>
          <tr><td style="${label} padding-left: 16px;">${msg("guardNewDeviceBrowser")}</td><td id="guard-browser" style="${value} padding-right: 16px;">${guardBrowser!msg("guardNewDeviceUnknown")}</td></tr>
          <tr><td style="${label} padding-left: 16px;">${msg("guardNewDeviceOs")}</td><td id="guard-os" style="${value} padding-right: 16px;">${guardOs!msg("guardNewDeviceUnknown")}</td></tr>
          <tr><td style="${label} padding-left: 16px;">${msg("guardNewDeviceIp")}</td><td id="guard-ip" style="${value} padding-right: 16px; font-family: 'Red Hat Mono', Menlo, Consolas, monospace;">${guardIp!msg("guardNewDeviceUnknown")}</td></tr>
          <tr><td style="${label} padding-left: 16px;">${msg("guardNewDeviceTime")}</td><td id="guard-time" style="${value} padding-right: 16px;">${guardTime}</td></tr>
          <tr><td style="padding: 0 16px 8px 16px;" colspan="2"></td></tr>
        </table>
        <p style="margin: 16px 0;">${msg("guardNewDeviceIfYou")}</p>
      </td></tr>
      <tr><td style="padding: 0 32px;">
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-left: 4px solid #a30000; background: #fdf2f2;">
          <tr><td style="padding: 16px; color: #151515; font-size: 15px; line-height: 1.5;">
            <#if guardLink??>
            <p style="margin: 0 0 16px 0;">${msg("guardNewDeviceIfNotYou")}</p>
            <a id="guard-not-me" href="${guardLink}" style="display: inline-block; background: #a30000; color: #ffffff; text-decoration: none; font-weight: 600; font-size: 15px; padding: 10px 20px; border-radius: 4px;">${msg("guardNewDeviceLink")}</a>
            <p id="guard-link-expires" style="margin: 12px 0 0 0; color: #4f5255; font-size: 13px;">${msg("guardNewDeviceLinkExpires", guardLinkExpires)}</p>
            <#else>
            <p id="guard-not-you" style="margin: 0;">${msg("guardNewDeviceIfNotYouNoLink")}</p>
            </#if>
          </td></tr>
        </table>
      </td></tr>
      <tr><td style="padding: 24px 32px; color: #4f5255; font-size: 12px; line-height: 1.5;">
        ${msg("guardNewDeviceFooter", realmName)}
      </td></tr>
    </table>
  </td></tr>
</table>
</@layout.emailLayout>
