<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
<!-- template: guard-rate-limited.ftl -->
    <#if section = "header">
        ${msg(guardTitle)}
    <#elseif section = "form">
        <div id="guard-rate-limited" class="${properties.kcContentWrapperClass!}">
            <p id="guard-rate-limited-message">${msg(guardMessage, guardMinutes)}</p>
            <#if url.loginRestartFlowUrl?has_content>
                <p><a id="guard-rate-limited-retry" href="${url.loginRestartFlowUrl}">${msg("guardRateLimitTryAgain")}</a></p>
            </#if>
        </div>
    </#if>
</@layout.registrationLayout>
