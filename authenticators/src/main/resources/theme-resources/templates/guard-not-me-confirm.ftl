<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
<!-- template: guard-not-me-confirm.ftl -->
    <#if section = "header">
        ${msg("guardNotMeConfirmTitle")}
    <#elseif section = "form">
        <#-- The link in the email only shows this page (mail scanners open links); the button's POST acts. -->
        <form id="guard-not-me-confirm" class="${properties.kcFormClass!}" action="${guardConfirmUrl}" method="post">
            <p id="guard-not-me-text">${msg("guardNotMeConfirmText", guardUsername)}</p>
            <div class="${properties.kcFormGroupClass!}">
                <div id="kc-form-buttons" class="${properties.kcFormButtonsClass!}">
                    <input class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                           type="submit" id="guard-not-me-submit" value="${msg("guardNotMeConfirmButton")}"/>
                </div>
            </div>
            <p id="guard-not-me-ignore">${msg("guardNotMeConfirmIgnore")}</p>
        </form>
    </#if>
</@layout.registrationLayout>
