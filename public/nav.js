// A page the browser restores from its back/forward cache was drawn for
// whoever was signed in then. Ask the server again: after sign-out it
// answers with the sign-in page, and no patient data is shown.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) {
    window.location.reload();
  }
});
