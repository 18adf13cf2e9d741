<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("guardNewDeviceIntro", guardUsername, realmName)}</p>
<table id="guard-new-device" style="border-collapse: collapse;">
    <tr><td style="padding: 2px 12px 2px 0;"><strong>${msg("guardNewDeviceBrowser")}</strong></td><td id="guard-browser">${guardBrowser!msg("guardNewDeviceUnknown")}</td></tr>
    <tr><td style="padding: 2px 12px 2px 0;"><strong>${msg("guardNewDeviceOs")}</strong></td><td id="guard-os">${guardOs!msg("guardNewDeviceUnknown")}</td></tr>
    <tr><td style="padding: 2px 12px 2px 0;"><strong>${msg("guardNewDeviceIp")}</strong></td><td id="guard-ip">${guardIp!msg("guardNewDeviceUnknown")}</td></tr>
    <tr><td style="padding: 2px 12px 2px 0;"><strong>${msg("guardNewDeviceTime")}</strong></td><td id="guard-time">${guardTime}</td></tr>
</table>
<p>${msg("guardNewDeviceIfYou")}</p>
<p>${msg("guardNewDeviceIfNotYou")}</p>
<p><a id="guard-not-me" href="${guardLink}">${msg("guardNewDeviceLink")}</a></p>
<p>${msg("guardNewDeviceLinkExpires", guardLinkExpires)}</p>
</@layout.emailLayout>
