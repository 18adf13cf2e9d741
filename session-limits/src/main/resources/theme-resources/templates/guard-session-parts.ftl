<#-- Parts of the session-limit pages: a session's device and times in the page's language. -->
<#macro device s><#if s.browser?has_content && s.os?has_content>${msg("guardSessionBrowserOnOs", s.browser, s.os)}<#elseif s.browser?has_content>${s.browser}<#elseif s.os?has_content>${s.os}<#else>${msg("guardSessionUnknownDevice")}</#if></#macro>

<#-- "Started 5 minutes ago" (one message per plural form, picked by SessionRow: MessageFormat's choice needs a
     number, and msg() on Keycloak 26.4/26.5 hands FreeMarker's number wrapper to it): the label, then the relative time; the exact time in the title (the script below
     shows it in the browser's time zone) and the machine-readable one in datetime. Never wraps mid-date. -->
<#macro when label m><span class="guard-session-time" style="white-space: nowrap;">${msg(label)} <time datetime="${m.iso}" title="${m.exact}" style="white-space: nowrap;">${msg(m.message, m.amount)}</time></span></#macro>

<#macro clients s><#list s.clients as c>${advancedMsg(c)}<#sep>, </#sep></#list></#macro>

<#macro localTimes>
    <script>
        document.querySelectorAll('time[datetime].guard-local, .guard-session-time time[datetime]').forEach(function (t) {
            var d = new Date(t.getAttribute('datetime'));
            if (!isNaN(d.getTime())) {
                try {
                    t.title = d.toLocaleString(document.documentElement.lang || undefined, {dateStyle: 'medium', timeStyle: 'short'});
                } catch (e) { /* keep the server's UTC time */ }
            }
        });
    </script>
</#macro>
