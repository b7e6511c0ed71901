//! The names of the built assets under `/pkg`.
//!
//! `scripts/build` gives the CSS, the JS glue and the wasm content-hashed
//! names (`nightcall.<hash>.css`, `nightcall.<hash>.js`,
//! `nightcall.<hash>.wasm`) and lists the hashes in `hash.txt` in the site
//! root, in cargo-leptos' format (`css: <hash>` a line). The server then
//! caches them forever, and a phone can never pair an old wasm with a new
//! page: a new build is new names. The server sets
//! `LeptosOptions::hash_files` and points `hash_file` at that list when it
//! exists (see `server::state_with`); Leptos' `HydrationScripts` reads the
//! JS and wasm names from it, and the shell reads the stylesheet's here.
//!
//! Without the list (a site built by `cargo leptos`, or no site at all as in
//! the server tests) the plain names are used, as before.

use leptos::prelude::LeptosOptions;

/// The `href` of the stylesheet: hashed when the build listed a hash.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    let hash = if options.hash_files {
        hash_of(options, "css")
    } else {
        None
    };
    stylesheet_path(&options.site_pkg_dir, &options.output_name, hash.as_deref())
}

fn stylesheet_path(pkg_dir: &str, output_name: &str, hash: Option<&str>) -> String {
    match hash {
        Some(hash) => format!("/{pkg_dir}/{output_name}.{hash}.css"),
        None => format!("/{pkg_dir}/{output_name}.css"),
    }
}

/// The hash listed for `kind` in the hash file. Read on each render, like
/// Leptos' `HydrationScripts` does for the scripts, so the stylesheet and
/// the scripts always come from the same build even if the site is rebuilt
/// under a running server.
#[cfg(feature = "ssr")]
fn hash_of(options: &LeptosOptions, kind: &str) -> Option<String> {
    let list = std::fs::read_to_string(options.hash_file.as_ref()).ok()?;
    hash_in(&list, kind).map(str::to_string)
}

/// The browser never renders the shell.
#[cfg(not(feature = "ssr"))]
fn hash_of(_options: &LeptosOptions, _kind: &str) -> Option<String> {
    None
}

/// The hash of `kind` in a `kind: hash` list.
#[cfg(any(feature = "ssr", test))]
fn hash_in<'a>(list: &'a str, kind: &str) -> Option<&'a str> {
    list.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(k, _)| k.trim() == kind)
        .map(|(_, hash)| hash.trim())
        .filter(|hash| !hash.is_empty())
}

#[cfg(test)]
mod tests {
    use super::{hash_in, stylesheet_path};

    #[test]
    fn the_stylesheet_is_named_by_its_hash_when_the_build_listed_one() {
        let list = "js: 0123456789abcdef\nwasm: fedcba9876543210\ncss: 00ff00ff00ff00ff\n";
        assert_eq!(hash_in(list, "css"), Some("00ff00ff00ff00ff"));
        assert_eq!(hash_in(list, "wasm"), Some("fedcba9876543210"));
        assert_eq!(hash_in(list, "split"), None);
        assert_eq!(hash_in("css:\n", "css"), None);
        assert_eq!(
            stylesheet_path("pkg", "nightcall", Some("00ff00ff00ff00ff")),
            "/pkg/nightcall.00ff00ff00ff00ff.css"
        );
        assert_eq!(
            stylesheet_path("pkg", "nightcall", None),
            "/pkg/nightcall.css"
        );
    }
}
