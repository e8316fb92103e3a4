//! Enum types and their members.

use std::sync::Arc;

use super::SchemaError;

/// One member of an enum type: its name and its integer value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumMember {
    name: String,
    value: i64,
}

impl EnumMember {
    /// The member name, case as declared: `Succeeded`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The member's integer value.
    pub fn value(&self) -> i64 {
        self.value
    }
}

/// An enum type: a qualified name and members in declared order. Members compare (`gt`, `lt`) in that
/// order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumType {
    namespace: String,
    name: String,
    members: Vec<EnumMember>,
    is_flags: bool,
}

impl EnumType {
    /// Starts an enum type `namespace.name`.
    pub fn builder(namespace: impl Into<String>, name: impl Into<String>) -> EnumTypeBuilder {
        EnumTypeBuilder {
            ty: EnumType {
                namespace: namespace.into(),
                name: name.into(),
                members: Vec::new(),
                is_flags: false,
            },
        }
    }

    /// The namespace: `microsoft.windowsDefenderATP.api`.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The unqualified name: `MachineActionStatus`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `namespace.name`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }

    /// True when the type name written in a literal (`Ns.Type'…'`) names this type: the qualified name,
    /// or the bare name.
    pub(crate) fn is_named(&self, written: &str) -> bool {
        written == self.name
            || written
                .strip_suffix(self.name.as_str())
                .and_then(|ns| ns.strip_suffix('.'))
                .is_some_and(|ns| ns == self.namespace)
    }

    /// [`EnumType::is_named`] ignoring ASCII case (`Microsoft.WindowsDefenderATP.Api.MachineActionStatus`).
    pub(crate) fn is_named_ignore_case(&self, written: &str) -> bool {
        written.eq_ignore_ascii_case(&self.name)
            || written.len() == self.namespace.len() + 1 + self.name.len()
                && written.is_char_boundary(self.namespace.len())
                && written[..self.namespace.len()].eq_ignore_ascii_case(&self.namespace)
                && written[self.namespace.len()..].starts_with('.')
                && written[self.namespace.len() + 1..].eq_ignore_ascii_case(&self.name)
    }

    /// The members in declared order.
    pub fn members(&self) -> &[EnumMember] {
        &self.members
    }

    /// True for a flags enum (members combine: `'Read,Write'`).
    pub fn is_flags(&self) -> bool {
        self.is_flags
    }

    /// The member with exactly this name (member names are case-sensitive).
    pub fn member(&self, name: &str) -> Option<&EnumMember> {
        self.members.iter().find(|m| m.name == name)
    }

    /// The first member with this value.
    pub(crate) fn member_by_value(&self, value: i64) -> Option<&EnumMember> {
        self.members.iter().find(|m| m.value == value)
    }

    /// The position of the member with this value in declared order (used to order enum values).
    pub(crate) fn position_of(&self, value: i64) -> Option<usize> {
        self.members.iter().position(|m| m.value == value)
    }
}

/// Builds an [`EnumType`]; see [`EnumType::builder`].
#[derive(Clone, Debug)]
pub struct EnumTypeBuilder {
    ty: EnumType,
}

impl EnumTypeBuilder {
    /// Adds a member whose value is one more than the previous member's (0 for the first; for a flags
    /// enum: the next power of two).
    pub fn member(self, name: impl Into<String>) -> Self {
        let value = match self.ty.members.last() {
            None if self.ty.is_flags => 1,
            None => 0,
            Some(m) if self.ty.is_flags => m.value.saturating_mul(2).max(1),
            Some(m) => m.value.saturating_add(1),
        };
        self.member_value(name, value)
    }

    /// Adds a member with an explicit value.
    pub fn member_value(mut self, name: impl Into<String>, value: i64) -> Self {
        self.ty.members.push(EnumMember {
            name: name.into(),
            value,
        });
        self
    }

    /// Makes this a flags enum (default: not). Call before [`EnumTypeBuilder::member`] so that automatic
    /// values are powers of two.
    pub fn flags(mut self, is_flags: bool) -> Self {
        self.ty.is_flags = is_flags;
        self
    }

    /// The enum type; fails on an empty or duplicate member name.
    pub fn build(self) -> Result<Arc<EnumType>, SchemaError> {
        for (i, m) in self.ty.members.iter().enumerate() {
            if m.name.is_empty() || m.name.contains([',', '\'']) {
                return Err(SchemaError(format!(
                    "invalid member name '{}' in enum type '{}'",
                    m.name, self.ty.name
                )));
            }
            if self.ty.members[..i].iter().any(|o| o.name == m.name) {
                return Err(SchemaError(format!(
                    "duplicate member '{}' in enum type '{}'",
                    m.name, self.ty.name
                )));
            }
        }
        Ok(Arc::new(self.ty))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_members_get_powers_of_two() {
        let e = EnumType::builder("N", "F")
            .flags(true)
            .member("A")
            .member("B")
            .member("C")
            .build()
            .unwrap();
        let values: Vec<i64> = e.members().iter().map(|m| m.value()).collect();
        assert_eq!(values, [1, 2, 4]);
        assert!(e.is_named("N.F") && e.is_named("F") && !e.is_named("M.F"));
        assert!(
            e.is_named_ignore_case("n.f") && !e.is_named("n.f") && !e.is_named_ignore_case("n.ff")
        );
    }
}
