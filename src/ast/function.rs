//! The built-in functions of OData 4.01: names, arities, lookup by name.

use std::fmt;

macro_rules! functions {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $min:literal ..= $max:literal; )*) => {
        /// The built-in functions of OData 4.01 URL Conventions §5.1.1.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Function {
            $( $(#[$doc])* $variant, )*
        }

        impl Function {
            /// Every built-in function.
            pub const ALL: &'static [Function] = &[$(Function::$variant),*];

            /// The canonical name: `contains`, `matchesPattern`, `geo.distance`, …
            pub const fn name(self) -> &'static str {
                match self { $(Function::$variant => $name,)* }
            }

            /// The least and greatest number of arguments.
            pub const fn arity(self) -> (usize, usize) {
                match self { $(Function::$variant => ($min, $max),)* }
            }
        }
    };
}

functions! {
    /// `contains(s, sub)`
    Contains = "contains", 2..=2;
    /// `startswith(s, prefix)`
    StartsWith = "startswith", 2..=2;
    /// `endswith(s, suffix)`
    EndsWith = "endswith", 2..=2;
    /// `length(s)`
    Length = "length", 1..=1;
    /// `indexof(s, sub)`
    IndexOf = "indexof", 2..=2;
    /// `substring(s, start[, length])`
    Substring = "substring", 2..=3;
    /// `tolower(s)`
    ToLower = "tolower", 1..=1;
    /// `toupper(s)`
    ToUpper = "toupper", 1..=1;
    /// `trim(s)`
    Trim = "trim", 1..=1;
    /// `concat(a, b)`
    Concat = "concat", 2..=2;
    /// `matchesPattern(s, regex)`
    MatchesPattern = "matchesPattern", 2..=2;
    /// `hassubset(collection, collection)`
    HasSubset = "hassubset", 2..=2;
    /// `hassubsequence(collection, collection)`
    HasSubsequence = "hassubsequence", 2..=2;
    /// `year(d)`
    Year = "year", 1..=1;
    /// `month(d)`
    Month = "month", 1..=1;
    /// `day(d)`
    Day = "day", 1..=1;
    /// `hour(t)`
    Hour = "hour", 1..=1;
    /// `minute(t)`
    Minute = "minute", 1..=1;
    /// `second(t)`
    Second = "second", 1..=1;
    /// `fractionalseconds(t)`
    FractionalSeconds = "fractionalseconds", 1..=1;
    /// `date(dto)`
    Date = "date", 1..=1;
    /// `time(dto)`
    Time = "time", 1..=1;
    /// `totaloffsetminutes(dto)`
    TotalOffsetMinutes = "totaloffsetminutes", 1..=1;
    /// `totalseconds(duration)`
    TotalSeconds = "totalseconds", 1..=1;
    /// `now()`
    Now = "now", 0..=0;
    /// `maxdatetime()`
    MaxDateTime = "maxdatetime", 0..=0;
    /// `mindatetime()`
    MinDateTime = "mindatetime", 0..=0;
    /// `round(n)`
    Round = "round", 1..=1;
    /// `floor(n)`
    Floor = "floor", 1..=1;
    /// `ceiling(n)`
    Ceiling = "ceiling", 1..=1;
    /// `cast([expr, ] Type)`
    Cast = "cast", 1..=2;
    /// `isof([expr, ] Type)`
    IsOf = "isof", 1..=2;
    /// `geo.distance(a, b)`
    GeoDistance = "geo.distance", 2..=2;
    /// `geo.intersects(a, b)`
    GeoIntersects = "geo.intersects", 2..=2;
    /// `geo.length(line)`
    GeoLength = "geo.length", 1..=1;
}

impl Function {
    /// Looks a function up by name, case-insensitively (`StartsWith` finds `startswith`).
    ///
    /// ```
    /// use odata_filter::ast::Function;
    /// assert_eq!(Function::from_name("StartsWith"), Some(Function::StartsWith));
    /// assert_eq!(Function::from_name("nosuch"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
