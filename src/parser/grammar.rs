//! The pest-generated recogniser. Private: its `Rule` type never appears in the public API.
#![allow(missing_docs)]

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/odata.pest"]
pub(crate) struct ODataGrammar;
