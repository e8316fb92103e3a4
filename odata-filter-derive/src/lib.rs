//! Derive macros of [`odata-filter`](https://docs.rs/odata-filter): an entity type, a complex type or
//! an enum type of the Entity Data Model from a Rust type and its serde attributes, together with the
//! typed record access that compiled filters use.
//!
//! Use them through the main crate (`#[derive(odata_filter::EntityType)]`); its `typed` module
//! documents the attributes and the traits the derives implement.
#![forbid(unsafe_code)]

mod attrs;
mod enums;
mod structured;
mod types;

use enums::enum_type;
use proc_macro::TokenStream;
use structured::structured;
use syn::{DeriveInput, Error};

/// Derives an entity type and its entity set; see `odata_filter::typed`.
#[proc_macro_derive(EntityType, attributes(odata))]
pub fn derive_entity_type(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    structured(&input, Kind::Entity)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// Derives a complex type (a structured value nested in an entity); see `odata_filter::typed`.
#[proc_macro_derive(ComplexType, attributes(odata))]
pub fn derive_complex_type(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    structured(&input, Kind::Complex)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// Derives an enum type (members in declared order); see `odata_filter::typed`.
#[proc_macro_derive(EnumType, attributes(odata))]
pub fn derive_enum_type(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    enum_type(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Entity,
    Complex,
}

impl Kind {
    fn derive_name(self) -> &'static str {
        match self {
            Kind::Entity => "EntityType",
            Kind::Complex => "ComplexType",
        }
    }
}
