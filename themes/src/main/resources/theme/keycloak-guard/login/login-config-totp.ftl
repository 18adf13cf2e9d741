<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "password-commons.ftl" as passwordCommons>
<#-- keycloak.v2's login-config-totp.ftl, reorganised into numbered steps: the QR code and the manual key
     side by side (no mode switch), a copy button, labels bound to their inputs. Form fields unchanged:
     totp, totpSecret, userLabel, mode, logout-sessions, cancel-aia. -->
<@layout.registrationLayout displayRequiredFields=false displayMessage=!messagesPerField.existsError('totp','userLabel'); section>
<!-- template: login-config-totp.ftl (keycloak-guard) -->

    <#if section = "header">
        ${msg("loginTotpTitle")}
    <#elseif section = "form">
        <p id="guard-totp-intro" class="guard-intro">${msg("guardTotpIntro")}</p>
        <ol id="kc-totp-settings" class="guard-steps">
            <li class="guard-step">
                <h2 class="guard-step-title">${msg("guardTotpStepApp")}</h2>
                <p>${msg("guardTotpStepAppText")}</p>
                <ul id="kc-totp-supported-apps" class="guard-apps">
                    <#list totp.supportedApplications as app>
                        <li>${msg(app)}</li>
                    </#list>
                </ul>
            </li>
            <li class="guard-step">
                <h2 class="guard-step-title">${msg("guardTotpStepScan")}</h2>
                <p>${msg("guardTotpStepScanText")}</p>
                <img id="kc-totp-secret-qr-code" class="guard-qr" width="200" height="200"
                     src="data:image/png;base64, ${totp.totpSecretQrCode}" alt="${msg("guardTotpQrAlt")}">
                <p id="guard-totp-key-label">${msg("guardTotpManualText")}</p>
                <div class="guard-key-row">
                    <code id="kc-totp-secret-key" class="guard-key" aria-labelledby="guard-totp-key-label">${totp.totpSecretEncoded}</code>
                    <button type="button" id="guard-copy-key" class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!} guard-copy"
                            data-copied="${msg("guardTotpCopied")}" data-copy-failed="${msg("guardTotpCopyFailed")}">${msg("guardTotpCopy")}</button>
                </div>
                <p id="guard-copy-status" class="guard-copy-status" role="status" aria-live="polite"></p>
                <ul id="guard-totp-policy" class="guard-policy">
                    <li id="kc-totp-type">${msg("loginTotpType")}: ${msg("loginTotp." + totp.policy.type)}</li>
                    <li id="kc-totp-algorithm">${msg("loginTotpAlgorithm")}: ${totp.policy.getAlgorithmKey()}</li>
                    <li id="kc-totp-digits">${msg("loginTotpDigits")}: ${totp.policy.digits}</li>
                    <#if totp.policy.type = "totp">
                        <li id="kc-totp-period">${msg("loginTotpInterval")}: ${totp.policy.period}</li>
                    <#elseif totp.policy.type = "hotp">
                        <li id="kc-totp-counter">${msg("loginTotpCounter")}: ${totp.policy.initialCounter}</li>
                    </#if>
                </ul>
            </li>
            <li class="guard-step">
                <h2 class="guard-step-title">${msg("guardTotpStepCode")}</h2>
                <p>${msg("guardTotpStepCodeText")}</p>
            </li>
            <li class="guard-step">
                <h2 class="guard-step-title">${msg("guardTotpStepRecovery")}</h2>
                <p>${msg("guardTotpStepRecoveryText")}</p>
            </li>
        </ol>

        <form action="${url.loginAction}" class="${properties.kcFormClass!}" id="kc-totp-settings-form" method="post" novalidate="novalidate">
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcLabelClass!}">
                    <label class="pf-v5-c-form__label" for="totp">
                        <span class="pf-v5-c-form__label-text">${msg("guardTotpCodeLabel")}</span>&nbsp;<span class="pf-v5-c-form__label-required" aria-hidden="true">&#42;</span>
                    </label>
                </div>
                <div class="${properties.kcInputClass!} <#if messagesPerField.existsError('totp')>pf-m-error</#if>">
                    <input type="text" required id="totp" name="totp" autocomplete="one-time-code"
                           inputmode="numeric" pattern="[0-9]*" maxlength="${totp.policy.digits}"
                           aria-describedby="guard-totp-code-help<#if messagesPerField.existsError('totp')> input-error-otp-code</#if>"
                           aria-invalid="<#if messagesPerField.existsError('totp')>true</#if>"
                    />
                    <@field.errorIcon error=messagesPerField.get('totp')/>
                </div>
                <p id="guard-totp-code-help" class="guard-help">${msg("guardTotpCodeHelp", totp.policy.digits)}</p>
                <#if messagesPerField.existsError('totp')>
                    <span id="input-error-otp-code" class="${properties.kcInputErrorMessageClass!}" aria-live="polite">
                        ${messagesPerField.get('totp')}
                    </span>
                </#if>
                <input type="hidden" id="totpSecret" name="totpSecret" value="${totp.totpSecret}" />
                <#if mode??><input type="hidden" id="mode" name="mode" value="${mode}"/></#if>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcLabelClass!}">
                    <label class="pf-v5-c-form__label" for="userLabel">
                        <span class="pf-v5-c-form__label-text">${msg("loginTotpDeviceName")}</span><#if totp.otpCredentials?size gte 1>&nbsp;<span class="pf-v5-c-form__label-required" aria-hidden="true">&#42;</span></#if>
                    </label>
                </div>
                <div class="${properties.kcInputClass!} <#if messagesPerField.existsError('userLabel')>pf-m-error</#if>">
                    <input type="text" id="userLabel" name="userLabel" autocomplete="off"
                           aria-describedby="guard-totp-label-help<#if messagesPerField.existsError('userLabel')> input-error-otp-label</#if>"
                           aria-invalid="<#if messagesPerField.existsError('userLabel')>true</#if>"
                    />
                    <@field.errorIcon error=messagesPerField.get('userLabel')/>
                </div>
                <p id="guard-totp-label-help" class="guard-help">${msg("loginTotpStep3DeviceName")}</p>
                <#if messagesPerField.existsError('userLabel')>
                    <span id="input-error-otp-label" class="${properties.kcInputErrorMessageClass!}" aria-live="polite">
                        ${messagesPerField.get('userLabel')}
                    </span>
                </#if>
            </div>

            <div class="${properties.kcFormGroupClass!}">
                <@passwordCommons.logoutOtherSessions/>
            </div>

            <div class="pf-v5-c-form__group pf-m-action">
                <div class="pf-v5-c-form__actions">
                    <#if isAppInitiatedAction??>
                        <input type="submit"
                            class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonLargeClass!}"
                            id="saveTOTPBtn" value="${msg("doSubmit")}"
                        />
                        <button type="submit"
                                class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonLargeClass!}"
                                id="cancelTOTPBtn" name="cancel-aia" value="true">${msg("doCancel")}
                        </button>
                    <#else>
                        <input type="submit"
                            class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                            id="saveTOTPBtn" value="${msg("doSubmit")}"
                        />
                    </#if>
                </div>
            </div>
        </form>
        <script src="${url.resourcesPath}/js/guard-totp.js" type="text/javascript"></script>
    </#if>
</@layout.registrationLayout>
