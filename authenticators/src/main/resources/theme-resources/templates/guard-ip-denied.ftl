<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
<!-- template: guard-ip-denied.ftl -->
    <#if section = "header">
        ${msg("guardIpDeniedTitle")}
    <#elseif section = "form">
        <div id="guard-ip-denied" class="${properties.kcContentWrapperClass!}">
            <p id="guard-ip-denied-message">${msg(guardIpMessage)}</p>
            <p id="guard-ip-denied-address">${msg("guardIpDeniedAddress", guardIpAddress)}</p>
        </div>
    </#if>
</@layout.registrationLayout>
