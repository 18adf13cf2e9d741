// The copy button of the OTP setup page. A <button>, so Enter and Space work without extra handlers.
(function () {
    var button = document.getElementById("guard-copy-key");
    var key = document.getElementById("kc-totp-secret-key");
    var status = document.getElementById("guard-copy-status");
    if (!button || !key || !status) {
        return;
    }
    function selectKey() {
        var range = document.createRange();
        range.selectNodeContents(key);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }
    button.addEventListener("click", function () {
        // Authenticator apps accept the key with or without the spaces; without is safer to paste.
        var text = key.textContent.replace(/\s+/g, "");
        var done = function () { status.textContent = button.getAttribute("data-copied"); };
        var failed = function () {
            // No clipboard access (old browser, denied permission): leave the key selected for Ctrl+C.
            selectKey();
            status.textContent = button.getAttribute("data-copy-failed");
        };
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(text).then(done, failed);
        } else {
            failed();
        }
    });
})();
