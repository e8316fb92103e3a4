//! Reading whole files of JSON records into memory (`load`): a JSON array, an MDE response body, or
//! JSON Lines. Queries stream instead ([`super::query_reader`]).

use std::io::BufRead;

use super::DataError;

/// Reads records: JSON Lines when `jsonl` (one object per line, blank lines skipped), otherwise one
/// JSON document — an array of objects or an object with a `value` array — falling back to JSON Lines
/// when the text is a sequence of objects on separate lines. Every record must be a JSON object.
///
pub fn load_records<R: BufRead>(
    mut input: R,
    name: &str,
    jsonl: bool,
) -> Result<Vec<serde_json::Value>, DataError> {
    let err = |line: Option<usize>, message: String| DataError::new(name, line, message);
    if jsonl {
        let mut records = Vec::new();
        let mut line = String::new();
        let mut n = 0;
        loop {
            line.clear();
            n += 1;
            let read = input
                .read_line(&mut line)
                .map_err(|e| err(Some(n), e.to_string()))?;
            if read == 0 {
                return Ok(records);
            }
            // A byte-order mark may start the file.
            let text = if n == 1 {
                line.trim_start_matches('\u{feff}')
            } else {
                &line
            };
            if text.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value =
                serde_json::from_str(text).map_err(|e| err(Some(n), e.to_string()))?;
            if !v.is_object() {
                return Err(err(Some(n), "expected a JSON object".into()));
            }
            records.push(v);
        }
    }
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .map_err(|e| err(None, e.to_string()))?;
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_string();
    }
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Array(items)) => check_objects(items, name),
        Ok(serde_json::Value::Object(mut obj)) => match obj.remove("value") {
            Some(serde_json::Value::Array(items)) => check_objects(items, name),
            Some(_) => Err(err(None, "'value' is not an array".into())),
            None => Ok(vec![serde_json::Value::Object(obj)]),
        },
        Ok(_) => Err(err(
            Some(1),
            "expected an array of objects, an object with a 'value' array, or JSON Lines".into(),
        )),
        Err(e) if e.is_syntax() && e.line() > 1 && text.trim_start().starts_with('{') => {
            // Perhaps JSON Lines: `{…}\n{…}`.
            let first_line_ok = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| serde_json::from_str::<serde_json::Value>(l).is_ok());
            if first_line_ok {
                load_records(text.as_bytes(), name, true)
            } else {
                Err(err(Some(e.line()), e.to_string()))
            }
        }
        Err(e) => Err(err(Some(e.line().max(1)), e.to_string())),
    }
}

fn check_objects(
    items: Vec<serde_json::Value>,
    name: &str,
) -> Result<Vec<serde_json::Value>, DataError> {
    match items.iter().position(|v| !v.is_object()) {
        Some(i) => Err(DataError::new(
            name,
            None,
            format!("record {} is not a JSON object", i + 1),
        )),
        None => Ok(items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_line_numbers() {
        let recs = load_records("{\"a\":1}\n\n{\"a\":2}\n".as_bytes(), "x.jsonl", true).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(
            load_records("\u{feff}[{}]".as_bytes(), "bom.json", false)
                .unwrap()
                .len(),
            1
        );
        let err = load_records("{\"a\":1}\n{\"a\":\n".as_bytes(), "x.jsonl", true).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.to_string().starts_with("x.jsonl:2: "));
    }
}
