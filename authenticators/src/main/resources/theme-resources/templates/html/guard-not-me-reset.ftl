<#import "template.ftl" as layout>
<#-- Inline styles only, as guard-new-device.ftl (the login theme's colours). -->
<@layout.emailLayout>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background: #f0f0f0; padding: 24px 12px; font-family: 'Red Hat Text', 'Helvetica Neue', Arial, sans-serif;">
  <tr><td align="center">
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width: 560px; background: #ffffff; border-top: 4px solid #0066cc; border-radius: 4px;">
      <tr><td style="padding: 24px 32px 8px 32px;">
        <p style="margin: 0 0 4px 0; color: #4f5255; font-size: 13px; letter-spacing: 0.04em; text-transform: uppercase;">${realmName}</p>
        <h1 id="guard-heading" style="margin: 0; color: #151515; font-size: 22px; line-height: 1.3; font-weight: 500;">${msg("guardNotMeResetHeading")}</h1>
      </td></tr>
      <tr><td style="padding: 8px 32px 0 32px; color: #151515; font-size: 15px; line-height: 1.5;">
        <p style="margin: 0 0 16px 0;">${msg("guardNotMeResetIntro", guardUsername)}</p>
        <a id="guard-reset" href="${guardLink}" style="display: inline-block; background: #0066cc; color: #ffffff; text-decoration: none; font-weight: 600; font-size: 15px; padding: 10px 20px; border-radius: 4px;">${msg("guardNotMeResetLink")}</a>
        <p id="guard-link-expires" style="margin: 12px 0 0 0; color: #4f5255; font-size: 13px;">${msg("guardNotMeResetLinkExpires", guardLinkExpires)}</p>
      </td></tr>
      <tr><td style="padding: 24px 32px; color: #4f5255; font-size: 12px; line-height: 1.5;">
        ${msg("guardNotMeResetFooter", realmName)}
      </td></tr>
    </table>
  </td></tr>
</table>
</@layout.emailLayout>
