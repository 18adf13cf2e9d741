<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#-- keycloak.v2's login-otp.ftl with a help text, a numeric one-time-code input, and the credential choice as
     real buttons (keyboard reachable) instead of clickable divs. Form fields unchanged: otp, selectedCredentialId, login. -->
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('totp'); section>
<!-- template: login-otp.ftl (keycloak-guard) -->

    <#if section="header">
        ${msg("doLogIn")}
    <#elseif section="form">
        <#if guardStepUp??>
            <#-- Set by the new-device condition (guard-condition-new-device): why a code is asked this time. -->
            <p id="guard-step-up-reason" class="guard-step-up">${msg((guardStepUp == "network")?then("guardStepUpNetwork", "guardStepUpDevice"))}</p>
        </#if>
        <form id="kc-otp-login-form" class="${properties.kcFormClass!}" onsubmit="login.disabled = true; return true;" action="${url.loginAction}" method="post">
            <input id="selectedCredentialId" type="hidden" name="selectedCredentialId" value="${otpLogin.selectedCredentialId!''}">
            <#if otpLogin.userOtpCredentials?size gt 1>
                <div class="${properties.kcFormGroupClass!}" role="group" aria-labelledby="guard-otp-choose">
                    <p id="guard-otp-choose">${msg("guardOtpChooseDevice")}</p>
                    <div class="${properties.kcInputWrapperClass!}">
                        <#list otpLogin.userOtpCredentials as otpCredential>
                            <button type="button" id="kc-otp-credential-${otpCredential?index}"
                                    class="${properties.kcLoginOTPListClass!} guard-otp-credential<#if otpCredential.id == (otpLogin.selectedCredentialId!'')> ${properties.kcLoginOTPListSelectedClass!}</#if>"
                                    aria-pressed="${(otpCredential.id == (otpLogin.selectedCredentialId!''))?c}"
                                    onclick="toggleOTP(${otpCredential?index}, '${otpCredential.id}')">
                                <span class="${properties.kcLoginOTPListItemHeaderClass!}">
                                    <span class="${properties.kcLoginOTPListItemIconBodyClass!}">
                                      <i class="${properties.kcLoginOTPListItemIconClass!}" aria-hidden="true"></i>
                                    </span>
                                    <span class="${properties.kcLoginOTPListItemTitleClass!}">${otpCredential.userLabel}</span>
                                </span>
                            </button>
                        </#list>
                    </div>
                </div>
            </#if>

            <@field.group name="otp" label=msg("guardOtpLabel") error=messagesPerField.get('totp') required=false>
                <span class="${properties.kcInputClass} <#if messagesPerField.existsError('totp')>${properties.kcError}</#if>">
                    <input id="otp" name="otp" type="text" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]*"
                           autofocus aria-describedby="guard-otp-help<#if messagesPerField.existsError('totp')> input-error-otp</#if>"
                           aria-invalid="<#if messagesPerField.existsError('totp')>true</#if>"/>
                    <@field.errorIcon error=messagesPerField.get('totp')/>
                </span>
                <p id="guard-otp-help" class="guard-help">${msg("guardOtpHelp")}</p>
            </@field.group>

            <@buttons.loginButton />
        </form>
        <script>
            <#outputformat "JavaScript">
            function toggleOTP(index, value) {
                document.getElementById("selectedCredentialId").value = value;
                Array.from(document.getElementsByClassName("guard-otp-credential")).forEach(function (i) {
                    i.classList.remove(${properties.kcLoginOTPListSelectedClass!?c});
                    i.setAttribute("aria-pressed", "false");
                });
                var chosen = document.getElementById("kc-otp-credential-" + index);
                chosen.classList.add(${properties.kcLoginOTPListSelectedClass!?c});
                chosen.setAttribute("aria-pressed", "true");
            }
            </#outputformat>
        </script>
    </#if>
</@layout.registrationLayout>
