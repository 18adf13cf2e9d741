<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
<!-- template: guard-sign-in-cancelled.ftl -->
    <#if section = "header">
        ${msg("guardSignInCancelledTitle")}
    <#elseif section = "form">
        <div id="guard-sign-in-cancelled" class="${properties.kcContentWrapperClass!}">
            <p id="guard-sign-in-cancelled-info">${msg("guardSignInCancelledInfo")}</p>
            <#-- guardBackUrl is the client's base URL or its validated redirect URI without parameters (never from the request). -->
            <#if guardBackUrl?has_content>
                <p style="margin-top: 1.5em;"><a id="guard-back-to-app" href="${guardBackUrl}"
                      class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!}"><#if guardClientName?has_content>${msg("guardSignInCancelledBack", advancedMsg(guardClientName))}<#else>${msg("guardSignInCancelledBackUnnamed")}</#if></a></p>
            </#if>
        </div>
    </#if>
</@layout.registrationLayout>
