// Copy buttons on the calendar subscription page: <button data-copy-target="input-id">.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const input = document.getElementById(button.dataset.copyTarget);
  if (!input) return;
  input.select();
  const done = () => {
    const label = button.querySelector("span");
    if (label && button.dataset.copiedLabel) label.textContent = button.dataset.copiedLabel;
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, () => {});
  } else {
    try { document.execCommand("copy"); done(); } catch (e) { /* selection stays for manual copy */ }
  }
});
