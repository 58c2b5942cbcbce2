//! The generator: it reads soc2-core's source with `syn` and writes a uniffi remote
//! declaration (`#[uniffi::remote(Record)]` or `(Enum)`) of each listed type, field for
//! field and variant for variant, with soc2-core's doc comments.
//!
//! The rules, all read from soc2-core rather than kept here:
//!
//! - docs: the type's, field's or variant's own doc comment, with rustdoc's intra-doc
//!   links reduced to their text (they would not resolve in Kotlin, Swift or Python);
//! - `#[uniffi(default)]`: on a field that serde defaults (`#[serde(default)]`), so that a
//!   foreign caller may leave out what a JSON document may leave out. uniffi 0.32 cannot
//!   default an enum or record field, so such a field gets a comment saying so instead;
//! - imports: each type named in a field is resolved where soc2-core uses it and imported
//!   by its shortest public path.
//!
//! Two enums, `Payload` and `EvidenceKind`, are written by soc2-core's `payloads!` macro
//! rather than declared; the generator reads them from the macro's invocation (one
//! `Variant(Type) = "name"` per kind) and their docs from the macro's definition.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Expr, Fields, GenericArgument, Item, Lit, Meta, PathArguments, Token, Type, UseTree,
    Visibility,
};

use crate::Group;

/// A field of a struct or of an enum variant.
struct Field {
    /// `None` for a tuple field.
    name: Option<String>,
    ty: Type,
    docs: Vec<String>,
    /// What serde fills in when a document leaves it out.
    serde_default: SerdeDefault,
}

/// A `#[serde(default)]` attribute, of a field or of a whole struct.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SerdeDefault {
    None,
    /// `default`: the type's `Default`.
    Plain,
    /// `default = "path"`: a function's value, which uniffi cannot know.
    Function,
}

enum Shape {
    Record(Vec<Field>),
    /// Variants: name, docs and fields (`None`: a unit variant; tuple fields have no name).
    Enum(Vec<(String, Vec<String>, Option<Vec<Field>>)>),
}

/// A struct or enum of soc2-core.
struct Decl {
    docs: Vec<String>,
    shape: Shape,
    public: bool,
    /// A struct's own `#[serde(default)]`, which fills missing fields from its `Default`.
    serde_default: SerdeDefault,
}

struct Module {
    items: Vec<Item>,
    decls: BTreeMap<String, Decl>,
    /// Whether it and every module above it are `pub`.
    public: bool,
}

/// What a name resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    /// A struct or enum: its module and name.
    Decl(Vec<String>, String),
    Module(Vec<String>),
    /// Something of another crate, by its path as written (`std::collections::BTreeMap`).
    Extern(Vec<String>),
}

/// soc2-core's modules, parsed.
pub(crate) struct Crate {
    modules: BTreeMap<Vec<String>, Module>,
    /// How deep `resolve` is: glob imports may form a cycle (`use super::*` in a module
    /// whose parent has `pub use child::*`), and a name in none of them would loop.
    depth: Cell<u32>,
}

fn parse_file(path: &Path) -> syn::File {
    let text = fs_err::read_to_string(path).unwrap();
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn is_cfg_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

/// The lines of an item's doc comment, as written after `///`.
fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if let Meta::NameValue(nv) = &attr.meta
            && nv.path.is_ident("doc")
            && let Expr::Lit(lit) = &nv.value
            && let Lit::Str(s) = &lit.lit
        {
            lines.extend(s.value().split('\n').map(str::to_owned));
        }
    }
    lines
}

/// What `#[serde(...)]` says of `default`.
fn serde_default(attrs: &[Attribute]) -> SerdeDefault {
    let mut default = SerdeDefault::None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let metas = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated);
        for meta in metas.unwrap() {
            match meta {
                Meta::Path(p) if p.is_ident("default") => default = SerdeDefault::Plain,
                Meta::NameValue(nv) if nv.path.is_ident("default") => {
                    default = SerdeDefault::Function;
                }
                _ => {}
            }
        }
    }
    default
}

fn fields(fields: &Fields) -> Vec<Field> {
    fields
        .iter()
        .map(|f| Field {
            name: f.ident.as_ref().map(ToString::to_string),
            ty: f.ty.clone(),
            docs: doc_lines(&f.attrs),
            serde_default: serde_default(&f.attrs),
        })
        .collect()
}

/// One entry of a `payloads!` invocation: `/// docs  Variant(Type) = "name",`.
struct PayloadEntry {
    attrs: Vec<Attribute>,
    variant: syn::Ident,
    ty: syn::Ident,
}

impl Parse for PayloadEntry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let variant = input.parse()?;
        let content;
        syn::parenthesized!(content in input);
        let ty = content.parse()?;
        input.parse::<Token![=]>()?;
        input.parse::<syn::LitStr>()?;
        Ok(PayloadEntry { attrs, variant, ty })
    }
}

/// The docs of each `struct` or `enum` a `macro_rules!` body declares, by name.
fn macro_decl_docs(tokens: TokenStream, out: &mut BTreeMap<String, Vec<String>>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut docs = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match (&tokens[i], tokens.get(i + 1)) {
            (TokenTree::Punct(p), Some(TokenTree::Group(g))) if p.as_char() == '#' => {
                if let Ok(meta) = syn::parse2::<Meta>(g.stream())
                    && let Meta::NameValue(nv) = &meta
                    && nv.path.is_ident("doc")
                    && let Expr::Lit(lit) = &nv.value
                    && let Lit::Str(s) = &lit.lit
                {
                    docs.extend(s.value().split('\n').map(str::to_owned));
                }
                i += 2;
                continue;
            }
            (TokenTree::Ident(kw), Some(TokenTree::Ident(name)))
                if kw == "enum" || kw == "struct" =>
            {
                out.insert(name.to_string(), std::mem::take(&mut docs));
                i += 2;
                continue;
            }
            (TokenTree::Group(g), _) => {
                macro_decl_docs(g.stream(), out);
                docs.clear();
            }
            (TokenTree::Punct(p), _) if p.as_char() == ';' => docs.clear(),
            _ => {}
        }
        i += 1;
    }
}

/// `Payload` and `EvidenceKind`, as soc2-core's `payloads!` macro declares them.
fn payload_decls(items: &[Item], decls: &mut BTreeMap<String, Decl>) {
    let Some(invocation) = items.iter().find_map(|item| match item {
        Item::Macro(m) if m.ident.is_none() && m.mac.path.is_ident("payloads") => Some(m),
        _ => None,
    }) else {
        return;
    };
    let definition = items
        .iter()
        .find_map(|item| match item {
            Item::Macro(m) if m.ident.as_ref().is_some_and(|i| i == "payloads") => Some(m),
            _ => None,
        })
        .expect("payloads! is invoked where it is defined");
    let mut docs = BTreeMap::new();
    macro_decl_docs(definition.mac.tokens.clone(), &mut docs);
    let entries = invocation
        .mac
        .parse_body_with(Punctuated::<PayloadEntry, Token![,]>::parse_terminated)
        .unwrap();
    let payload = entries
        .iter()
        .map(|e| {
            let ty = Type::Path(syn::TypePath { qself: None, path: e.ty.clone().into() });
            let field =
                Field { name: None, ty, docs: Vec::new(), serde_default: SerdeDefault::None };
            (e.variant.to_string(), doc_lines(&e.attrs), Some(vec![field]))
        })
        .collect();
    let kinds =
        entries.iter().map(|e| (e.variant.to_string(), doc_lines(&e.attrs), None)).collect();
    for (name, shape) in [("Payload", Shape::Enum(payload)), ("EvidenceKind", Shape::Enum(kinds))] {
        let docs = docs.remove(name).unwrap_or_else(|| panic!("payloads! declares no {name}"));
        let serde_default = SerdeDefault::None;
        decls.insert(name.to_owned(), Decl { docs, shape, public: true, serde_default });
    }
}

impl Crate {
    /// Parses the crate whose `lib.rs` is in `src`.
    pub(crate) fn load(src: &Path) -> Crate {
        let mut krate = Crate { modules: BTreeMap::new(), depth: Cell::new(0) };
        let root = parse_file(&src.join("lib.rs"));
        krate.add(Vec::new(), root.items, src.to_owned(), true);
        krate
    }

    /// Adds a module whose child modules' files are in `dir`.
    fn add(&mut self, path: Vec<String>, items: Vec<Item>, dir: PathBuf, public: bool) {
        let mut decls = BTreeMap::new();
        for item in &items {
            let (ident, vis, attrs, shape) = match item {
                Item::Struct(s) => (&s.ident, &s.vis, &s.attrs, Shape::Record(fields(&s.fields))),
                Item::Enum(e) => {
                    let variants = e
                        .variants
                        .iter()
                        .map(|v| {
                            let f = match v.fields {
                                Fields::Unit => None,
                                _ => Some(fields(&v.fields)),
                            };
                            (v.ident.to_string(), doc_lines(&v.attrs), f)
                        })
                        .collect();
                    (&e.ident, &e.vis, &e.attrs, Shape::Enum(variants))
                }
                Item::Mod(m) if !is_cfg_test(&m.attrs) => {
                    let name = m.ident.to_string();
                    let child_public = public && matches!(m.vis, Visibility::Public(_));
                    let child_path = [path.clone(), vec![name.clone()]].concat();
                    let child_items = match &m.content {
                        Some((_, items)) => items.clone(),
                        None => {
                            let file = dir.join(format!("{name}.rs"));
                            let file =
                                if file.is_file() { file } else { dir.join(&name).join("mod.rs") };
                            parse_file(&file).items
                        }
                    };
                    self.add(child_path, child_items, dir.join(&name), child_public);
                    continue;
                }
                _ => continue,
            };
            let decl = Decl {
                docs: doc_lines(attrs),
                shape,
                public: matches!(vis, Visibility::Public(_)),
                serde_default: serde_default(attrs),
            };
            decls.insert(ident.to_string(), decl);
        }
        payload_decls(&items, &mut decls);
        self.modules.insert(path, Module { items, decls, public });
    }

    /// What `ident` names in `module`; with `public_only`, only through public items, as
    /// seen from outside the crate.
    fn resolve(&self, module: &[String], ident: &str, public_only: bool) -> Option<Target> {
        if self.depth.get() > 32 {
            return None;
        }
        self.depth.set(self.depth.get() + 1);
        let found = self.resolve_here(module, ident, public_only);
        self.depth.set(self.depth.get() - 1);
        found
    }

    fn resolve_here(&self, module: &[String], ident: &str, public_only: bool) -> Option<Target> {
        let m = self.modules.get(module)?;
        if let Some(decl) = m.decls.get(ident) {
            return (decl.public || !public_only)
                .then(|| Target::Decl(module.to_vec(), ident.to_owned()));
        }
        let child = [module, &[ident.to_owned()]].concat();
        if self.modules.contains_key(&child) {
            return Some(Target::Module(child));
        }
        for item in &m.items {
            let Item::Use(u) = item else { continue };
            if public_only && !matches!(u.vis, Visibility::Public(_)) {
                continue;
            }
            let mut found = None;
            self.resolve_use(module, &u.tree, &mut Vec::new(), ident, public_only, &mut found);
            if found.is_some() {
                return found;
            }
        }
        None
    }

    fn resolve_use(
        &self,
        module: &[String],
        tree: &UseTree,
        prefix: &mut Vec<String>,
        ident: &str,
        public_only: bool,
        found: &mut Option<Target>,
    ) {
        if found.is_some() {
            return;
        }
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.resolve_use(module, &p.tree, prefix, ident, public_only, found);
                prefix.pop();
            }
            UseTree::Name(n) if n.ident == ident => {
                *found = self.resolve_path(module, &[prefix.clone(), vec![ident.into()]].concat());
            }
            UseTree::Rename(r) if r.rename == ident => {
                let path = [prefix.clone(), vec![r.ident.to_string()]].concat();
                *found = self.resolve_path(module, &path);
            }
            UseTree::Glob(_) => {
                if let Some(Target::Module(m)) = self.resolve_path(module, prefix) {
                    *found = self.resolve(&m, ident, public_only);
                }
            }
            UseTree::Group(g) => {
                for t in &g.items {
                    self.resolve_use(module, t, prefix, ident, public_only, found);
                }
            }
            _ => {}
        }
    }

    /// What a path (as written in a `use` of `module`, or from the crate root when it
    /// starts with `soc2_core`) names.
    fn resolve_path(&self, module: &[String], path: &[String]) -> Option<Target> {
        let (first, rest) = path.split_first()?;
        let mut current = match first.as_str() {
            "crate" | "soc2_core" => Vec::new(),
            "self" => module.to_vec(),
            "super" => module[..module.len() - 1].to_vec(),
            name => match self.resolve(module, name, false) {
                Some(Target::Module(m)) => m,
                Some(t) if rest.is_empty() => return Some(t),
                _ => return Some(Target::Extern(path.to_vec())),
            },
        };
        for (i, segment) in rest.iter().enumerate() {
            if segment == "super" {
                current.pop();
                continue;
            }
            match self.resolve(&current, segment, false)? {
                Target::Module(m) => current = m,
                t if i == rest.len() - 1 => return Some(t),
                _ => return None,
            }
        }
        Some(Target::Module(current))
    }

    /// The shortest path by which code outside soc2-core names a struct or enum.
    fn public_path(&self, target: &Target) -> String {
        let Target::Decl(_, ident) = target else { unreachable!() };
        let mut modules: Vec<_> = self.modules.iter().filter(|(_, m)| m.public).collect();
        modules.sort_by_key(|(path, _)| (path.len(), path.to_vec()));
        for (path, _) in modules {
            if self.resolve(path, ident, true).as_ref() == Some(target) {
                return ["soc2_core".to_owned()]
                    .into_iter()
                    .chain(path.clone())
                    .chain([ident.clone()])
                    .collect::<Vec<_>>()
                    .join("::");
            }
        }
        panic!("{target:?} is not public")
    }

    fn decl(&self, target: &Target) -> &Decl {
        let Target::Decl(module, ident) = target else { panic!("{target:?} is not a type") };
        &self.modules[module].decls[ident]
    }
}

/// Types every Rust module can name without importing them.
const PRELUDE: &[&str] = &[
    "bool", "char", "f32", "f64", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "String",
    "Vec", "Option", "Box",
];

fn show(ty: &Type) -> String {
    ty.to_token_stream().to_string()
}

/// The field type as Rust source, and the names it uses.
fn type_text(ty: &Type, names: &mut BTreeSet<String>) -> String {
    let Type::Path(p) = ty else { panic!("unsupported field type {}", show(ty)) };
    assert!(p.qself.is_none() && p.path.leading_colon.is_none(), "unsupported type {}", show(ty));
    let [segment] = p.path.segments.iter().collect::<Vec<_>>()[..] else {
        panic!("a field type with a path ({}): import its name in soc2-core instead", show(ty))
    };
    names.insert(segment.ident.to_string());
    let mut text = segment.ident.to_string();
    match &segment.arguments {
        PathArguments::None => {}
        PathArguments::AngleBracketed(args) => {
            let args: Vec<_> = args
                .args
                .iter()
                .map(|a| match a {
                    GenericArgument::Type(t) => type_text(t, names),
                    _ => panic!("unsupported type argument in {}", show(ty)),
                })
                .collect();
            write!(text, "<{}>", args.join(", ")).unwrap();
        }
        PathArguments::Parenthesized(_) => panic!("unsupported type {}", show(ty)),
    }
    text
}

/// Whether uniffi 0.32 can give a field of this type a default (`None`, empty, zero,
/// false) in every foreign language.
fn defaultable(ty: &Type, resolve: &dyn Fn(&str) -> Option<Target>) -> bool {
    let Type::Path(p) = ty else { return false };
    let name = p.path.segments.last().unwrap().ident.to_string();
    match resolve(&name) {
        None => PRELUDE.contains(&name.as_str()) && name != "Box",
        Some(Target::Extern(path)) => {
            matches!(path.last().map(String::as_str), Some("BTreeMap" | "HashMap"))
        }
        // An enum or a record of soc2-core.
        Some(Target::Decl(..) | Target::Module(_)) => false,
    }
}

/// Doc text for the foreign languages: rustdoc's intra-doc links reduced to their text
/// (`` [`Foo`] `` to `` `Foo` ``, `` [`x`](crate::y) `` to `` `x` ``); web links stay.
pub(crate) fn plain_links(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..close];
        let tail = &after[close + 1..];
        if let Some(target) = tail.strip_prefix('(')
            && let Some(end) = target.find(')')
        {
            if target[..end].contains("://") {
                // A web link reads as one in every language's docs.
                out.push_str(&rest[open..open + 1 + close + 1 + 1 + end + 1]);
            } else {
                out.push_str(&without_modules(inner));
            }
            rest = &target[end + 1..];
        } else if let Some(reference) = tail.strip_prefix('[')
            && let Some(end) = reference.find(']')
        {
            out.push_str(&without_modules(inner));
            rest = &reference[end + 1..];
        } else if is_code_or_path(inner) {
            out.push_str(&without_modules(inner));
            rest = tail;
        } else {
            out.push('[');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A link's text without the modules of a Rust path (`` `crate::model::Note` `` to
/// `` `Note` ``), which mean nothing in another language, and a member written as every
/// binding's language writes it (`Report::columns` to `Report.columns`).
fn without_modules(text: &str) -> String {
    let (tick, path) = match text.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
        Some(path) => ("`", path),
        None => ("", text),
    };
    let segments: Vec<&str> = path.split("::").collect();
    let first_type = segments.iter().position(|s| s.starts_with(|c: char| c.is_ascii_uppercase()));
    match first_type {
        Some(i) => format!("{tick}{}{tick}", segments[i..].join(".")),
        None => text.to_owned(),
    }
}

/// `` `anything` `` or a Rust path such as `Report::columns`: what rustdoc links.
fn is_code_or_path(s: &str) -> bool {
    let code =
        s.len() > 2 && s.starts_with('`') && s.ends_with('`') && !s[1..s.len() - 1].contains('`');
    let path = s.split("::").all(|seg| {
        let seg = seg.strip_suffix("()").unwrap_or(seg);
        seg.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    code || path
}

fn write_docs(out: &mut String, indent: &str, docs: &[String]) {
    let text = plain_links(&docs.join("\n"));
    for line in text.lines() {
        // A link definition (`[Foo]: crate::Foo`) means nothing once the links are gone.
        let trimmed = line.trim();
        if trimmed.starts_with('[') && trimmed.contains("]: ") {
            continue;
        }
        if line.is_empty() || line.starts_with(' ') {
            writeln!(out, "{indent}///{line}").unwrap();
        } else {
            writeln!(out, "{indent}/// {line}").unwrap();
        }
    }
}

/// The header of every generated file.
const HEADER: &str = "\
// Generated from soc2-core's definitions by soc2-ffi-mirrors: do not edit.
// Regenerate with `SOC2_UPDATE_MIRRORS=1 cargo test -p soc2-ffi-mirrors`.
";

/// The list's path of each listed type, by its resolution.
fn listed(krate: &Crate, groups: &[Group]) -> BTreeMap<Vec<String>, (String, String)> {
    let mut listed = BTreeMap::new();
    for group in groups {
        for entry in group.types {
            let (path, name) = match entry.split_once(" as ") {
                Some((path, name)) => (path, Some(name)),
                None => (*entry, None),
            };
            let segments: Vec<String> = path.split("::").map(str::to_owned).collect();
            assert_eq!(segments[0], "soc2_core", "{entry}: not a path into soc2_core");
            let Some(Target::Decl(module, ident)) = krate.resolve_path(&[], &segments) else {
                panic!("{entry}: no such struct or enum in soc2-core")
            };
            let name = name.map_or_else(|| ident.clone(), str::to_owned);
            let key = [module, vec![ident]].concat();
            assert!(listed.insert(key, (path.to_owned(), name)).is_none(), "{entry} listed twice");
        }
    }
    listed
}

/// The generated files, by name.
pub(crate) fn generate(krate: &Crate, groups: &[Group]) -> BTreeMap<String, String> {
    let listed = listed(krate, groups);
    let mut files = BTreeMap::new();
    for group in groups {
        let mut imports = BTreeMap::<String, String>::new();
        let mut body = String::new();
        for entry in group.types {
            let path: Vec<String> =
                entry.split(" as ").next().unwrap().split("::").map(str::to_owned).collect();
            let target = krate.resolve_path(&[], &path).unwrap();
            let Target::Decl(module, ident) = &target else { unreachable!() };
            let (path, name) = &listed[&[module.clone(), vec![ident.clone()]].concat()];
            let decl = krate.decl(&target);
            assert!(
                decl.serde_default == SerdeDefault::None,
                "{entry}: a struct-wide #[serde(default)] fills fields from its Default, whose \
                 values uniffi's defaults (none, empty, zero) may not match: add a rule for it"
            );
            if name == ident {
                imports.insert(name.clone(), path.clone());
            } else {
                writeln!(body, "// soc2-core's `{ident}`, named `{name}` in the bindings.")
                    .unwrap();
                writeln!(body, "pub(crate) type {name} = {path};\n").unwrap();
            }
            let mut names = BTreeSet::new();
            let resolve = |n: &str| krate.resolve(module, n, false);
            write_docs(&mut body, "", &decl.docs);
            match &decl.shape {
                Shape::Record(fields) => {
                    writeln!(body, "#[uniffi::remote(Record)]\npub struct {name} {{").unwrap();
                    for f in fields {
                        write_field(&mut body, "    ", "pub ", f, &resolve, &mut names);
                    }
                }
                Shape::Enum(variants) => {
                    writeln!(body, "#[uniffi::remote(Enum)]\npub enum {name} {{").unwrap();
                    for (variant, docs, fields) in variants {
                        write_docs(&mut body, "    ", docs);
                        match fields {
                            None => writeln!(body, "    {variant},").unwrap(),
                            Some(fields) if fields.iter().all(|f| f.name.is_none()) => {
                                let types: Vec<_> =
                                    fields.iter().map(|f| type_text(&f.ty, &mut names)).collect();
                                writeln!(body, "    {variant}({}),", types.join(", ")).unwrap();
                            }
                            Some(fields) => {
                                writeln!(body, "    {variant} {{").unwrap();
                                for f in fields {
                                    write_field(&mut body, "        ", "", f, &resolve, &mut names);
                                }
                                writeln!(body, "    }},").unwrap();
                            }
                        }
                    }
                }
            }
            writeln!(body, "}}\n").unwrap();
            for n in names {
                let path = match resolve(&n) {
                    None if PRELUDE.contains(&n.as_str()) => continue,
                    None => panic!("{ident}: cannot resolve {n} in soc2-core's {module:?}"),
                    Some(Target::Extern(p)) => p.join("::"),
                    Some(t @ Target::Decl(..)) => {
                        let Target::Decl(m, i) = &t else { unreachable!() };
                        match listed.get(&[m.clone(), vec![i.clone()]].concat()) {
                            Some((path, _)) => path.clone(),
                            None => krate.public_path(&t),
                        }
                    }
                    Some(Target::Module(_)) => panic!("{ident}: {n} is a module"),
                };
                if let Some(other) = imports.insert(n.clone(), path.clone()) {
                    assert_eq!(other, path, "two types named {n} in {}", group.file);
                }
            }
        }
        let mut text = String::from(HEADER);
        text.push('\n');
        let mut paths: Vec<_> = imports.values().collect();
        paths.sort();
        for path in paths {
            writeln!(text, "use {path};").unwrap();
        }
        text.push('\n');
        text.push_str(body.trim_end());
        text.push('\n');
        files.insert(format!("{}.rs", group.file), text);
    }
    files
}

fn write_field(
    out: &mut String,
    indent: &str,
    vis: &str,
    f: &Field,
    resolve: &dyn Fn(&str) -> Option<Target>,
    names: &mut BTreeSet<String>,
) {
    write_docs(out, indent, &f.docs);
    let ty = type_text(&f.ty, names);
    let name = f.name.as_ref().expect("a named field");
    assert!(
        f.serde_default != SerdeDefault::Function,
        "{name}: #[serde(default = \"...\")] has no uniffi equivalent: add a rule for it"
    );
    if f.serde_default == SerdeDefault::Plain {
        if defaultable(&f.ty, resolve) {
            writeln!(out, "{indent}#[uniffi(default)]").unwrap();
        } else {
            writeln!(
                out,
                "{indent}// serde defaults this field, but uniffi 0.32 cannot default an enum or a \
                 record."
            )
            .unwrap();
        }
    }
    writeln!(out, "{indent}{vis}{name}: {ty},").unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small crate in the shape of soc2-core: a type re-exported from a child module, a
    /// custom type named in fields, serde defaults of every kind, intra-doc links.
    const LIB: &str = r#"
pub mod model;
"#;
    const MODEL: &str = r#"
mod time;
pub mod things;
pub use things::*;
pub use time::Timestamp;
"#;
    const TIME: &str = r#"
/// An instant.
pub struct Timestamp(i64);
"#;
    const THINGS: &str = r#"
use std::collections::BTreeMap;

use super::time::Timestamp;

/// A thing, see [`Kind`].
///
/// Second paragraph, with [a link](https://example.com/x).
pub struct Thing {
    /// Always there.
    pub name: String,
    /// Left out: none. Links to [`crate::model::things::Kind`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Timestamp>,
    /// Left out: empty.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Left out: the first kind.
    #[serde(default)]
    pub kind: Kind,
    /// A map.
    #[serde(default)]
    pub extra: BTreeMap<String, u64>,
}

/// What kind of thing.
pub enum Kind {
    /// Plain.
    Plain,
    /// With a note.
    Noted {
        /// The note.
        note: String,
    },
}
"#;

    fn generated(things: &str, types: &'static [&'static str]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path();
        fs_err::create_dir_all(src.join("model")).unwrap();
        fs_err::write(src.join("lib.rs"), LIB).unwrap();
        fs_err::write(src.join("model.rs"), MODEL).unwrap();
        fs_err::write(src.join("model/time.rs"), TIME).unwrap();
        fs_err::write(src.join("model/things.rs"), things).unwrap();
        let groups = [Group { file: "model", types }];
        generate(&Crate::load(src), &groups).remove("model.rs").unwrap()
    }

    #[test]
    fn declares_the_listed_types_with_core_docs_and_serde_defaults() {
        let text = generated(THINGS, &["soc2_core::model::Thing", "soc2_core::model::Kind"]);
        let expected = format!(
            "{HEADER}
use soc2_core::model::Kind;
use soc2_core::model::Thing;
use soc2_core::model::Timestamp;
use std::collections::BTreeMap;

/// A thing, see `Kind`.
///
/// Second paragraph, with [a link](https://example.com/x).
#[uniffi::remote(Record)]
pub struct Thing {{
    /// Always there.
    pub name: String,
    /// Left out: none. Links to `Kind`.
    #[uniffi(default)]
    pub at: Option<Timestamp>,
    /// Left out: empty.
    #[uniffi(default)]
    pub tags: Vec<String>,
    /// Left out: the first kind.
    // serde defaults this field, but uniffi 0.32 cannot default an enum or a record.
    pub kind: Kind,
    /// A map.
    #[uniffi(default)]
    pub extra: BTreeMap<String, u64>,
}}

/// What kind of thing.
#[uniffi::remote(Enum)]
pub enum Kind {{
    /// Plain.
    Plain,
    /// With a note.
    Noted {{
        /// The note.
        note: String,
    }},
}}
"
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn renames_a_type_with_an_alias() {
        let text = generated(THINGS, &["soc2_core::model::things::Kind as ThingKind"]);
        assert!(text.contains(
            "// soc2-core's `Kind`, named `ThingKind` in the bindings.\n\
             pub(crate) type ThingKind = soc2_core::model::things::Kind;\n\n\
             /// What kind of thing.\n\
             #[uniffi::remote(Enum)]\n\
             pub enum ThingKind {\n"
        ));
    }

    #[test]
    #[should_panic(expected = "no such struct or enum")]
    fn refuses_an_unknown_type() {
        generated(THINGS, &["soc2_core::model::Nothing"]);
    }

    #[test]
    #[should_panic(expected = "has no uniffi equivalent")]
    fn refuses_a_default_function() {
        let things = THINGS
            .replace("#[serde(default)]\n    pub tags", "#[serde(default = \"f\")]\n    pub tags");
        generated(&things, &["soc2_core::model::Thing"]);
    }

    #[test]
    fn intra_doc_links_become_plain_text() {
        let cases = [
            (
                "One cell per column of [`Report::columns`].",
                "One cell per column of `Report.columns`.",
            ),
            ("See [`the catalog`](crate::catalog) and [Scope].", "See `the catalog` and Scope."),
            ("[`Foo`][bar] here", "`Foo` here"),
            ("(see [`crate::model::Note`])", "(see `Note`)"),
            ("[`Scope::systems`]", "`Scope.systems`"),
            ("[`crate::model::Collector::Tool`]", "`Collector.Tool`"),
            (
                "[RFC 3161](https://www.rfc-editor.org/rfc/rfc3161)",
                "[RFC 3161](https://www.rfc-editor.org/rfc/rfc3161)",
            ),
            ("a range [0, 1] stays", "a range [0, 1] stays"),
            ("unclosed [ bracket", "unclosed [ bracket"),
        ];
        for (rustdoc, plain) in cases {
            assert_eq!(plain_links(rustdoc), plain, "{rustdoc}");
        }
    }
}
