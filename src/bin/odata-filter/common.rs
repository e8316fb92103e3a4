//! What the subcommands share: the entity sets, the parser limits, reading a query string or URL,
//! and the exit statuses.

use std::io::Write;

use odata_filter::mde::{machine_actions, machines};
use odata_filter::query::{Query, ValidatedQuery};
use odata_filter::schema::EntitySet;
use odata_filter::validate::ValidateOptions;
use odata_filter::{Errors, Limits, Parser};

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: an operational failure (a file that cannot be read or parsed, an I/O error).
pub const EXIT_OPERATIONAL: u8 = 1;
/// Exit status: a query the service would reject with 400.
pub const EXIT_INVALID_QUERY: u8 = 2;
/// Exit status: the command line itself is wrong (BSD's `EX_USAGE`).
pub const EXIT_USAGE: u8 = 64;

/// The most records `query` generates.
pub const MAX_GENERATED_RECORDS: usize = 10_000_000;

/// The built-in entity sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Entity {
    /// MDE `MachineActions` (the default).
    #[value(name = "machineactions", alias = "MachineActions")]
    MachineActions,
    /// MDE `Machines`.
    #[value(name = "machines", alias = "Machines")]
    Machines,
}

impl Entity {
    /// Every built-in entity set.
    pub const ALL: [Entity; 2] = [Entity::MachineActions, Entity::Machines];

    /// The entity set.
    pub fn set(self) -> &'static EntitySet {
        match self {
            Entity::MachineActions => machine_actions(),
            Entity::Machines => machines(),
        }
    }
}

/// The parser limits, as flags.
#[derive(Clone, Debug, clap::Args)]
pub struct LimitArgs {
    /// Longest $filter accepted, in bytes after percent-decoding.
    #[arg(long, value_name = "BYTES")]
    max_length: Option<usize>,
    /// Deepest nesting accepted.
    #[arg(long, value_name = "LEVELS")]
    max_depth: Option<usize>,
    /// Most expression nodes accepted.
    #[arg(long, value_name = "NODES")]
    max_nodes: Option<usize>,
    /// Most items in one `in` list.
    #[arg(long, value_name = "ITEMS")]
    max_in_items: Option<usize>,
}

impl LimitArgs {
    /// A parser with these limits (the defaults for those not given).
    pub fn parser(&self) -> Parser {
        let d = Limits::default();
        Parser::new().limits(Limits {
            max_length: self.max_length.unwrap_or(d.max_length),
            max_depth: self.max_depth.unwrap_or(d.max_depth),
            max_nodes: self.max_nodes.unwrap_or(d.max_nodes),
            max_in_list_items: self.max_in_items.unwrap_or(d.max_in_list_items),
        })
    }
}

/// Validates a query string, or a whole URL (`https://…/api/machineactions?…`), against `entity`.
pub fn validate(text: &str, entity: Entity, limits: &LimitArgs) -> Result<ValidatedQuery, Errors> {
    let (set, options, parser) = (entity.set(), ValidateOptions::default(), limits.parser());
    if Query::is_url(text) {
        let supported: Vec<&str> = Entity::ALL.iter().map(|e| e.set().name()).collect();
        Query::from_url_with(text, set, &options, &parser, &supported)
    } else {
        Query::from_query_string_parsed_with(text, set, &options, &parser)
    }
}

/// Writes the query's warnings, one a line.
pub fn warn(err: &mut dyn Write, query: &ValidatedQuery) {
    for w in query.warnings() {
        let _ = writeln!(err, "{w}");
    }
}
