// Passkeys (WebAuthn) in the browser: turns the server's options into the
// ArrayBuffers `navigator.credentials` wants, asks the authenticator, and
// posts its answer back as JSON. The server (webauthn-rs) checks everything;
// this file only translates.
//
// A separate ES module rather than WebAssembly: the WebAuthn calls would need
// a large set of web-sys bindings in every phone's download, for a button
// pressed once in a while. The page's CSP allows scripts from this origin.
//
// The markup comes from app/src/components/passkey.rs: a `[data-passkey]`
// box (hidden until we know the browser has WebAuthn) holding a
// `[data-passkey-start]` button and a `[data-passkey-error]` line.

const supported =
  typeof window.PublicKeyCredential === "function" &&
  typeof navigator.credentials?.create === "function";

function toBuffer(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer;
}

function toBase64url(buffer) {
  let binary = "";
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Calls a server function with a JSON body; throws on any error status. */
async function call(endpoint, body = {}) {
  const response = await fetch(`/api/${endpoint}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${endpoint}: HTTP ${response.status}`);
  return response.json();
}

function creationOptions({ publicKey }) {
  return {
    publicKey: {
      ...publicKey,
      challenge: toBuffer(publicKey.challenge),
      user: { ...publicKey.user, id: toBuffer(publicKey.user.id) },
      excludeCredentials: (publicKey.excludeCredentials ?? []).map((c) => ({
        ...c,
        id: toBuffer(c.id),
      })),
    },
  };
}

function requestOptions({ publicKey }) {
  return {
    publicKey: {
      ...publicKey,
      challenge: toBuffer(publicKey.challenge),
      allowCredentials: (publicKey.allowCredentials ?? []).map((c) => ({
        ...c,
        id: toBuffer(c.id),
      })),
    },
  };
}

function registrationJson(credential) {
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response: {
      attestationObject: toBase64url(response.attestationObject),
      clientDataJSON: toBase64url(response.clientDataJSON),
      transports: response.getTransports?.() ?? [],
    },
    extensions: {},
  };
}

function assertionJson(credential) {
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response: {
      authenticatorData: toBase64url(response.authenticatorData),
      clientDataJSON: toBase64url(response.clientDataJSON),
      signature: toBase64url(response.signature),
      userHandle: response.userHandle ? toBase64url(response.userHandle) : null,
    },
    extensions: {},
  };
}

const ceremonies = {
  // A signed-in user adds a passkey; the page then shows it in the list.
  async register(box) {
    const options = await call("passkey_register_start");
    const credential = await navigator.credentials.create(creationOptions(options));
    const name = box.querySelector("[data-passkey-name]")?.value ?? "";
    await call("passkey_register_finish", { credential: registrationJson(credential), name });
    window.location.reload();
  },
  // After the password: the passkey instead of a code.
  async verify(box) {
    const options = await call("passkey_verify_start");
    const credential = await navigator.credentials.get(requestOptions(options));
    const next = await call("passkey_verify_finish", {
      credential: assertionJson(credential),
      next: box.dataset.next ?? "/",
    });
    window.location.assign(next);
  },
  // No password: the browser offers the passkeys it holds for this site.
  async "sign-in"(box) {
    const { ceremony, options } = await call("passkey_sign_in_start");
    const credential = await navigator.credentials.get(requestOptions(options));
    const next = await call("passkey_sign_in_finish", {
      ceremony,
      credential: assertionJson(credential),
      next: box.dataset.next ?? "/",
    });
    window.location.assign(next);
  },
};

/** Shows the passkey boxes (or, where asked, the "not supported" note). */
function reveal(root) {
  for (const box of root.querySelectorAll("[data-passkey][hidden]")) {
    if (supported) box.hidden = false;
  }
  for (const note of root.querySelectorAll("[data-passkey-unsupported][hidden]")) {
    if (!supported) note.hidden = false;
  }
}

async function start(button) {
  const box = button.closest("[data-passkey]");
  const ceremony = ceremonies[box?.dataset.passkey];
  if (!ceremony || button.disabled) return;
  const error = box.querySelector("[data-passkey-error]");
  if (error) error.hidden = true;
  button.disabled = true;
  try {
    await ceremony(box);
  } catch (e) {
    // The user closed the prompt, the authenticator refused, or the server
    // did: one translated sentence (from the markup) and the cause in the
    // console for whoever debugs.
    console.warn("passkey:", e);
    if (error) {
      error.textContent = box.dataset.failed ?? "";
      error.hidden = false;
    }
  } finally {
    button.disabled = false;
  }
}

// One listener for the whole document, so buttons rendered later (client-side
// navigation) work too; likewise the observer reveals boxes added later.
document.addEventListener("click", (event) => {
  const button = event.target.closest?.("[data-passkey-start]");
  if (button) {
    event.preventDefault();
    start(button);
  }
});
reveal(document);
new MutationObserver(() => reveal(document)).observe(document.documentElement, {
  childList: true,
  subtree: true,
});
