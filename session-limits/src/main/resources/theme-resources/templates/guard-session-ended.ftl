<#import "template.ftl" as layout>
<#import "guard-session-parts.ftl" as parts>
<@layout.registrationLayout displayMessage=false; section>
<!-- template: guard-session-ended.ftl -->
    <#if section = "header">
        ${msg("guardSessionEndedTitle")}
    <#elseif section = "form">
        <div id="guard-session-ended" class="${properties.kcContentWrapperClass!}">
            <div class="pf-v5-c-alert pf-m-success pf-m-inline" role="status" style="margin-bottom: 1.5em;">
                <p class="pf-v5-c-alert__title">${msg("guardSessionEndedInfo")}</p>
                <div class="pf-v5-c-alert__description">
                    <div><strong><@parts.device guardEnded/></strong><#if guardEnded.ipAddress?has_content> &middot; ${guardEnded.ipAddress}</#if></div>
                    <#if guardEnded.clients?has_content><div>${msg("guardSessionClients")}: <@parts.clients guardEnded/></div></#if>
                    <div class="pf-v5-u-font-size-sm"><@parts.when "guardSessionStarted" guardEnded.started/> &middot; <@parts.when "guardSessionLastActive" guardEnded.lastActive/></div>
                </div>
            </div>
            <form id="guard-session-ended-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="POST">
                <input type="hidden" name="csrf" value="${guardCsrf}"/>
                <div class="${properties.kcFormGroupClass!}">
                    <button type="submit" name="continue" value="true" id="guard-continue"
                            class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("guardSessionEndedContinue")}</button>
                </div>
            </form>
            <@parts.localTimes/>
        </div>
    </#if>
</@layout.registrationLayout>
