<#import "template.ftl" as layout>
<#import "guard-session-parts.ftl" as parts>
<@layout.registrationLayout displayMessage=true; section>
<!-- template: guard-session-chooser.ftl -->
    <#if section = "header">
        ${msg("guardSessionChooserTitle")}
    <#elseif section = "form">
        <div id="guard-session-chooser" class="${properties.kcContentWrapperClass!}">
            <p id="guard-session-chooser-intro">${msg((guardLimit == 1)?then("guardSessionChooserIntroOne", "guardSessionChooserIntro"), guardLimit)}</p>
            <form id="guard-session-chooser-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="POST">
                <input type="hidden" name="csrf" value="${guardCsrf}"/>
                <#-- PatternFly 5's data list (keycloak.v2's "Try another way" list is one too); the inline styles keep
                     themes without PatternFly 5 free of bullets. -->
                <ul class="pf-v5-c-data-list pf-m-compact" role="list" id="guard-sessions"
                    aria-label="${msg("guardSessionChooserTitle")}" style="list-style: none; padding-left: 0; margin-bottom: 1.5em;">
                    <#list guardSessions as s>
                        <li class="pf-v5-c-data-list__item guard-session" data-session-id="${s.id}" style="list-style: none;">
                            <div class="pf-v5-c-data-list__item-row" style="align-items: center;">
                                <div class="pf-v5-c-data-list__item-content">
                                    <div class="pf-v5-c-data-list__cell">
                                        <div id="guard-session-device-${s?index}"><strong><@parts.device s/></strong><#if s.ipAddress?has_content> &middot; ${s.ipAddress}</#if><#if s.thisDevice> <span class="pf-v5-c-label pf-m-blue pf-m-compact guard-this-device"><span class="pf-v5-c-label__content">${msg("guardSessionThisDevice")}</span></span></#if></div>
                                        <#if s.clients?has_content><div>${msg("guardSessionClients")}: <@parts.clients s/></div></#if>
                                        <div class="pf-v5-u-font-size-sm pf-v5-u-color-200"><@parts.when "guardSessionStarted" s.started/> &middot; <@parts.when "guardSessionLastActive" s.lastActive/></div>
                                    </div>
                                </div>
                                <div class="pf-v5-c-data-list__item-action" style="align-self: center;">
                                    <button type="submit" name="sessionId" value="${s.id}" id="guard-end-${s?index}" aria-describedby="guard-session-device-${s?index}"
                                            class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!}">${msg("guardSessionEnd")}</button>
                                </div>
                            </div>
                        </li>
                    </#list>
                </ul>
                <div class="${properties.kcFormGroupClass!}">
                    <button type="submit" name="cancel" value="true" id="guard-cancel"
                            class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!"pf-v5-c-button pf-m-secondary"}">${msg("guardSessionChooserCancel")}</button>
                </div>
            </form>
            <@parts.localTimes/>
        </div>
    </#if>
</@layout.registrationLayout>
