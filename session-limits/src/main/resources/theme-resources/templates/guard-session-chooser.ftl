<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true; section>
<!-- template: guard-session-chooser.ftl -->
    <#if section = "header">
        ${msg("guardSessionChooserTitle")}
    <#elseif section = "form">
        <div id="guard-session-chooser" class="${properties.kcContentWrapperClass!}">
            <p id="guard-session-chooser-intro">${msg("guardSessionChooserIntro", guardLimit)}</p>
            <form id="guard-session-chooser-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="POST">
                <input type="hidden" name="csrf" value="${guardCsrf}"/>
                <ul class="${properties.kcListClass!}" id="guard-sessions">
                    <#list guardSessions as s>
                        <li class="guard-session" data-session-id="${s.id}" style="margin-bottom: 1em;">
                            <div id="guard-session-device-${s?index}"><strong>${s.device}</strong><#if s.ipAddress?has_content> &middot; ${s.ipAddress}</#if></div>
                            <div>${msg("guardSessionStarted")}: ${s.started} &middot; ${msg("guardSessionLastActive")}: ${s.lastActive}</div>
                            <#if s.clients?has_content><div>${msg("guardSessionClients")}: ${s.clients}</div></#if>
                            <button type="submit" name="sessionId" value="${s.id}" id="guard-end-${s?index}" aria-describedby="guard-session-device-${s?index}"
                                    class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!}">${msg("guardSessionEnd")}</button>
                        </li>
                    </#list>
                </ul>
                <div class="${properties.kcFormGroupClass!}">
                    <button type="submit" name="cancel" value="true" id="guard-cancel"
                            class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!}">${msg("guardSessionChooserCancel")}</button>
                </div>
            </form>
        </div>
    </#if>
</@layout.registrationLayout>
