//! Every import points down a layer:
//! domain ← i18n ← error, views, assets ← ssr ← api ← components ← pages ← app.
//! Reads the sources (no build features needed) and fails on any
//! `crate::<module>` path that names a layer above the file's own.

use std::fs;
use std::path::Path;

/// The layer of a top-level module of `app/src`; higher may import lower.
fn rank(module: &str) -> Option<u8> {
    Some(match module {
        "domain" => 0,
        "i18n" => 1,
        "error" | "views" | "assets" => 2,
        "ssr" => 3,
        "api" => 4,
        "components" => 5,
        "pages" => 6,
        "app" | "lib" => 7,
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source names as `crate::<module>`.
fn named_modules(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        // `crate::{a, b}` lists: each entry's first segment.
        if name.is_empty() && after.starts_with('{') {
            if let Some(end) = after.find('}') {
                for part in after[1..end].split(',') {
                    let first = part.trim().split("::").next().unwrap_or("").trim();
                    if !first.is_empty() {
                        found.push(first.to_owned());
                    }
                }
            }
        } else if !name.is_empty() {
            found.push(name);
        }
        rest = after;
    }
    found
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        let Some(own) = rank(&top) else {
            wrong.push(format!("{}: unknown layer {top}", relative.display()));
            continue;
        };
        let source = fs::read_to_string(file).unwrap();
        for module in named_modules(&source) {
            if rank(&module).is_some_and(|r| r > own) {
                wrong.push(format!(
                    "{} ({top}) imports crate::{module}",
                    relative.display()
                ));
            }
        }
    }
    assert!(files.len() > 40, "found the sources ({})", files.len());
    assert!(
        wrong.is_empty(),
        "imports pointing up:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_import_reader_sees_paths_and_lists() {
    let names = named_modules(
        "use crate::api::x;\nuse crate::{ssr::db, domain::y};\nlet a = crate::pages::z;",
    );
    assert_eq!(names, ["api", "ssr", "domain", "pages"]);
}
