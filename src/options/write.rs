//! The one query-string writer: the options, the validated query and the builder all print
//! through it, so the three agree on option order, separators and encoding.

use std::fmt;

use crate::print::url_encode;

/// The parts of a query string, each as printed text (not yet URL-encoded). `Display` writes
/// them in the order `$filter $orderby $select $top $skip $count $search $expand $format
/// $skiptoken`, then the custom options; every name and value URL-encoded; absent parts omitted.
#[derive(Default)]
pub(crate) struct QueryString<'a> {
    pub(crate) filter: Option<String>,
    /// Each key's text and whether it is descending.
    pub(crate) orderby: Vec<(String, bool)>,
    pub(crate) select: Option<Vec<&'a str>>,
    pub(crate) top: Option<u64>,
    pub(crate) skip: Option<u64>,
    pub(crate) count: Option<bool>,
    pub(crate) search: Option<&'a str>,
    pub(crate) expand: Option<&'a str>,
    pub(crate) format: Option<&'a str>,
    pub(crate) skiptoken: Option<&'a str>,
    pub(crate) custom: &'a [(String, String)],
}

impl fmt::Display for QueryString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(filter) = &self.filter {
            parts.push(format!("$filter={}", url_encode(filter)));
        }
        if !self.orderby.is_empty() {
            let keys: Vec<String> = self
                .orderby
                .iter()
                .map(|(key, descending)| {
                    if *descending {
                        format!("{key} desc")
                    } else {
                        key.clone()
                    }
                })
                .collect();
            parts.push(format!("$orderby={}", url_encode(&keys.join(","))));
        }
        if let Some(select) = &self.select {
            parts.push(format!("$select={}", url_encode(&select.join(","))));
        }
        if let Some(top) = self.top {
            parts.push(format!("$top={top}"));
        }
        if let Some(skip) = self.skip {
            parts.push(format!("$skip={skip}"));
        }
        if let Some(count) = self.count {
            parts.push(format!("$count={count}"));
        }
        for (name, value) in [
            ("search", self.search),
            ("expand", self.expand),
            ("format", self.format),
            ("skiptoken", self.skiptoken),
        ] {
            if let Some(v) = value {
                parts.push(format!("${name}={}", url_encode(v)));
            }
        }
        for (name, value) in self.custom {
            parts.push(format!("{}={}", url_encode(name), url_encode(value)));
        }
        f.write_str(&parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::QueryString;

    #[test]
    fn order_encoding_and_omission() {
        let custom = [("a b".to_string(), "c&d".to_string())];
        let q = QueryString {
            filter: Some("name eq 'a&b'".into()),
            orderby: vec![("x".into(), true), ("y".into(), false)],
            select: Some(vec!["id", "name"]),
            top: Some(2),
            count: Some(true),
            format: Some("json"),
            custom: &custom,
            ..QueryString::default()
        };
        assert_eq!(
            q.to_string(),
            "$filter=name%20eq%20%27a%26b%27&$orderby=x%20desc,y&$select=id,name&$top=2\
             &$count=true&$format=json&a%20b=c%26d"
        );
        assert_eq!(QueryString::default().to_string(), "");
    }
}
