//! Property paths, navigation, and lambda variables (`any`/`all`).

use super::*;

impl<'a> Checker<'a> {
    pub(super) fn path(&mut self, p: &'a ast::Path, span: Span) -> Option<Checked> {
        let mut segments = p.segments.as_slice();
        let (base, mut ty, mut structured) = match p.root {
            PathRoot::Implicit | PathRoot::This => {
                let var = match (p.root, segments.first()) {
                    (PathRoot::This, _) => match self.vars.len().checked_sub(1) {
                        Some(i) => Some(i),
                        None => {
                            self.error(ErrorKind::Unsupported, span, Reason::ThisOutsideLambda);
                            return None;
                        }
                    },
                    (_, Some(first)) => match &first.kind {
                        SegmentKind::Property(name) => {
                            let found = self.vars.iter().rposition(|v| v.name == name.as_str());
                            if found.is_some() {
                                segments = &segments[1..];
                            }
                            found
                        }
                        _ => None,
                    },
                    _ => None,
                };
                match var {
                    Some(i) => {
                        let elem = self.vars[i].elem.clone();
                        let s = elem.as_complex().cloned();
                        (Base::Variable(VarId::new(i)), elem, s)
                    }
                    None => (
                        Base::Root,
                        EdmType::Boolean,
                        Some(Arc::clone(self.set.entity_type())),
                    ),
                }
            }
            PathRoot::It => (
                Base::Root,
                EdmType::Boolean,
                Some(Arc::clone(self.set.entity_type())),
            ),
            PathRoot::Root => {
                self.error(ErrorKind::Unsupported, span, Reason::RootPath);
                return None;
            }
        };
        if base == Base::Root && segments.is_empty() {
            self.error(ErrorKind::Unsupported, span, Reason::WholeEntity);
            return None;
        }
        let mut ids = Vec::with_capacity(segments.len());
        let mut count = false;
        for (i, seg) in segments.iter().enumerate() {
            if count {
                self.error(ErrorKind::Syntax, seg.span, Reason::AfterCount);
                return None;
            }
            match &seg.kind {
                SegmentKind::Property(name) => {
                    let Some(st) = structured.clone() else {
                        let reason = if let EdmType::Collection(_) = ty {
                            Reason::PropertyOfCollection {
                                property: name.clone(),
                                collection: i
                                    .checked_sub(1)
                                    .and_then(|j| segments.get(j))
                                    .map_or("collection", |s| s.name())
                                    .to_string(),
                                collection_type: ty,
                            }
                        } else {
                            Reason::PropertyOfValue {
                                property: name.clone(),
                                found: ty,
                            }
                        };
                        self.error(ErrorKind::TypeMismatch, seg.span, reason);
                        return None;
                    };
                    let id = match st.lookup(name, !self.options.strict_case) {
                        Lookup::Found(id) => id,
                        Lookup::Ambiguous => {
                            let reason = Reason::AmbiguousProperty {
                                property: name.clone(),
                                type_name: st.name().to_string(),
                            };
                            self.error(ErrorKind::UnknownProperty, seg.span, reason);
                            return None;
                        }
                        Lookup::NotFound => {
                            let suggestion =
                                closest(name, st.properties().iter().map(|p| p.name()));
                            let at_root = base == Base::Root && i == 0;
                            let help = if let Some(e) =
                                at_root.then(|| self.enum_with_member(name)).flatten()
                            {
                                Some(format!(
                                    "'{name}' is a member of enum type '{e}': enum values are quoted, '{name}'"
                                ))
                            } else if suggestion.is_none() && at_root {
                                self.filterable_list()
                            } else {
                                None
                            };
                            let reason = Reason::UnknownProperty {
                                property: name.clone(),
                                type_name: st.name().to_string(),
                                suggestion: suggestion.map(str::to_string),
                            };
                            self.error(ErrorKind::UnknownProperty, seg.span, reason);
                            if let Some(h) = help {
                                self.help_last(h);
                            }
                            return None;
                        }
                    };
                    let prop = st.property(id)?;
                    if base == Base::Root
                        && i == 0
                        && !self.options.allow_all_properties
                        && !self.set.is_filterable(id)
                    {
                        let reason = Reason::PropertyNotFilterable {
                            property: prop.name().to_string(),
                            option: self.option.to_string(),
                        };
                        self.error(ErrorKind::PropertyNotFilterable, seg.span, reason);
                        if let Some(h) = self.filterable_list() {
                            self.help_last(h);
                        }
                        return None;
                    }
                    ids.push(id);
                    ty = prop.ty().clone();
                    structured = ty.as_complex().cloned();
                }
                SegmentKind::Count => {
                    if !matches!(ty, EdmType::Collection(_))
                        || (ids.is_empty() && base == Base::Root)
                    {
                        let reason = Reason::CountNeedsCollection { found: ty };
                        self.error(ErrorKind::TypeMismatch, seg.span, reason);
                        return None;
                    }
                    count = true;
                }
                SegmentKind::TypeCast(name) => {
                    let name = name.clone();
                    self.error(
                        ErrorKind::Unsupported,
                        seg.span,
                        Reason::TypeCastSegment { name },
                    );
                    return None;
                }
                SegmentKind::Annotation(name) => {
                    let name = name.clone();
                    let reason = Reason::AnnotationSegment { name };
                    self.error(ErrorKind::Unsupported, seg.span, reason);
                    return None;
                }
                SegmentKind::Function { name, .. } => {
                    let name = name.clone();
                    let reason = Reason::UnknownBoundFunction { name };
                    self.error(ErrorKind::Unsupported, seg.span, reason);
                    return None;
                }
            }
        }
        let built = match base {
            Base::Root => PropertyRef::root(self.set, ids, self.options.allow_all_properties),
            Base::Variable(v) => PropertyRef::variable(v, &self.vars[v.index()].elem, ids),
        };
        let prop = match built {
            Ok(prop) => prop,
            Err(e) => {
                let problem = e.to_string();
                self.error(ErrorKind::TypeMismatch, span, Reason::IllTyped { problem });
                return None;
            }
        };
        if count {
            if p.lambda.is_some() {
                self.error(ErrorKind::InvalidLambda, span, Reason::LambdaAfterCount);
                return None;
            }
            return self.built(TypedExpr::count(prop), span);
        }
        match &p.lambda {
            None => Some(Checked::plain(TypedExpr::property(prop))),
            Some(l) => self.lambda(prop, l, span),
        }
    }

    pub(super) fn lambda(
        &mut self,
        collection: PropertyRef,
        l: &'a ast::Lambda,
        span: Span,
    ) -> Option<Checked> {
        let lambda = l.kind;
        let Some(elem) = collection.ty().element_type().cloned() else {
            let reason = Reason::LambdaNeedsCollection {
                lambda,
                path: collection.path_text(),
                found: collection.ty().clone(),
            };
            self.error(ErrorKind::TypeMismatch, span, reason);
            return None;
        };
        if self.vars.len() >= MAX_LAMBDA_NESTING {
            let limit = MAX_LAMBDA_NESTING as u64;
            self.error(
                ErrorKind::LimitExceeded,
                span,
                Reason::LambdaTooDeep { lambda, limit },
            );
            return None;
        }
        let variable = VarId::new(self.vars.len());
        let (name, predicate) = match &l.predicate {
            None => (String::new(), None),
            Some((ident, body)) => {
                self.vars.push(Var {
                    name: &ident.name,
                    elem,
                });
                let checked = self.check(body, None);
                self.vars.pop();
                let checked = checked?;
                if !matches!(checked.ty(), None | Some(EdmType::Boolean)) {
                    let found = checked.ty().cloned();
                    let reason = Reason::LambdaNotBoolean { lambda, found };
                    self.error(ErrorKind::TypeMismatch, body.span, reason);
                    return None;
                }
                (ident.name.clone(), Some(checked.expr))
            }
        };
        self.built(
            TypedExpr::lambda(l.kind, collection, variable, name, predicate),
            span,
        )
    }

    /// "Filterable properties: a, b, c." (`None` when all are filterable).
    fn filterable_list(&self) -> Option<String> {
        if self.options.allow_all_properties {
            return None;
        }
        let ty = self.set.entity_type();
        let names: Vec<&str> = self
            .set
            .filterable_properties()
            .filter_map(|id| ty.property(id).map(|p| p.name()))
            .collect();
        Some(format!("Filterable properties: {}.", names.join(", ")))
    }

    /// The qualified name of an enum type of the entity type's properties that has a member `name`.
    fn enum_with_member(&self, name: &str) -> Option<String> {
        self.set.entity_type().properties().iter().find_map(|p| {
            let e = p
                .ty()
                .as_enum()
                .or_else(|| p.ty().element_type()?.as_enum())?;
            e.member(name).map(|_| e.qualified_name())
        })
    }
}
