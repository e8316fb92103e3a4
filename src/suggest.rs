//! "Did you mean …?" suggestions: the closest name by edit distance, ignoring case, and the one wording
//! every message uses for it ([`did_you_mean`]).

/// The candidate closest to `name` (case-insensitive Levenshtein distance), if it is close enough to be
/// a plausible typo: at most one edit for short names, a third of the length for longer ones.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let budget = (name.chars().count() / 3).max(1);
    candidates
        .map(|c| (distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= budget)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The one wording of a suggestion, appended to a message: " Did you mean 'status'?".
pub fn did_you_mean(suggestion: &str) -> String {
    format!(" Did you mean '{suggestion}'?")
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("top", "top"), 0);
    }

    #[test]
    fn suggestions_respect_the_budget() {
        assert_eq!(
            closest("$stop", ["$top", "$skip"].into_iter()),
            Some("$top")
        );
        assert_eq!(
            closest("sttus", ["status", "type"].into_iter()),
            Some("status")
        );
        assert_eq!(closest("zzzzzz", ["status"].into_iter()), None);
    }

    #[test]
    fn closest_example() {
        use crate::suggest::closest;
        assert_eq!(
            closest("Succeded", ["Pending", "Succeeded"].into_iter()),
            Some("Succeeded")
        );
        assert_eq!(closest("xyz", ["Pending"].into_iter()), None);
    }

    #[test]
    fn did_you_mean_example() {
        assert_eq!(
            crate::suggest::did_you_mean("$top"),
            " Did you mean '$top'?"
        );
    }
}
