//! Operators: comparison, logical chains, arithmetic, `has`, `in`.

use super::*;

impl<'a> Checker<'a> {
    pub(super) fn unary(
        &mut self,
        op: UnaryOp,
        operand: &'a Expr,
        span: Span,
        hint: Option<&EdmType>,
        compared: Option<(BinaryOp, &Expr)>,
    ) -> Option<Checked> {
        match op {
            UnaryOp::Neg => {
                let c = self.check(operand, hint)?;
                if let TypedExpr::Literal(l) = &c.expr {
                    let negated = match l.value() {
                        Value::Int(i) => match i.checked_neg() {
                            Some(n) => Some(Value::Int(n)),
                            None => {
                                self.error(ErrorKind::Overflow, span, Reason::NegationOverflow);
                                return None;
                            }
                        },
                        Value::Decimal(d) => Some(Value::Decimal(-*d)),
                        Value::Double(d) => Some(Value::Double(-*d)),
                        Value::Duration(d) => Some(Value::Duration(-*d)),
                        _ => None,
                    };
                    if let Some(v) = negated {
                        let ty = l.ty().cloned();
                        return self.lit(span, v, ty);
                    }
                }
                if c.constant.is_some_and(|k| k.checked_neg().is_none()) {
                    self.error(ErrorKind::Overflow, span, Reason::NegationOverflow);
                    return None;
                }
                match c.ty() {
                    None => Some(c),
                    Some(t) if t.is_numeric() || *t == EdmType::Duration => {
                        let constant = c.constant.and_then(i64::checked_neg);
                        let mut n = self.built(TypedExpr::neg(c.expr), span)?;
                        n.constant = constant;
                        Some(n)
                    }
                    Some(t) => {
                        let found = t.clone();
                        self.error(
                            ErrorKind::TypeMismatch,
                            span,
                            Reason::NegationType { found },
                        );
                        None
                    }
                }
            }
            UnaryOp::Not => {
                let c = self.check(operand, None)?;
                match c.ty() {
                    None | Some(EdmType::Boolean) => self.built(TypedExpr::not(c.expr), span),
                    Some(t) => {
                        let reason = Reason::NotOperandType {
                            operand: operand.to_string(),
                            named: matches!(
                                operand.kind,
                                ExprKind::Path(_) | ExprKind::Call { .. }
                            ),
                            found: t.clone(),
                            comparison: compared.map(|(op, right)| (op, right.to_string())),
                        };
                        self.error(ErrorKind::TypeMismatch, span, reason);
                        None
                    }
                }
            }
        }
    }

    /// Checks both operands, the literal one last so that it takes the other's type.
    pub(super) fn operands(
        &mut self,
        op: BinaryOp,
        left: &'a Expr,
        right: &'a Expr,
    ) -> (Option<Checked>, Option<Checked>) {
        let not_left = |c: &mut Self, e: &'a Expr, hint: Option<&EdmType>| match &e.kind {
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } if op != BinaryOp::And && op != BinaryOp::Or => {
                c.unary(UnaryOp::Not, operand, e.span, hint, Some((op, right)))
            }
            _ => c.check(e, hint),
        };
        if is_literal(left) && !is_literal(right) {
            let r = self.check(right, None);
            let hint = r.as_ref().and_then(|r| r.ty().cloned());
            let l = self.check(left, hint.as_ref());
            (l, r)
        } else {
            let l = not_left(self, left, None);
            let hint = if is_literal(right) {
                l.as_ref().and_then(|l| l.ty().cloned())
            } else {
                None
            };
            let r = self.check(right, hint.as_ref());
            (l, r)
        }
    }

    pub(super) fn mismatch(
        &mut self,
        op: BinaryOp,
        left: &Expr,
        lt: Option<&EdmType>,
        right: &Expr,
        rt: Option<&EdmType>,
        span: Span,
    ) {
        let reason = Reason::IncompatibleOperands {
            op,
            left: lt.cloned(),
            right: rt.cloned(),
            fix: mismatch_hint(right, lt).or_else(|| mismatch_hint(left, rt)),
        };
        self.error(ErrorKind::TypeMismatch, span, reason);
    }

    pub(super) fn binary(
        &mut self,
        op: BinaryOp,
        left: &'a Expr,
        right: &'a Expr,
        span: Span,
    ) -> Option<Checked> {
        if op == BinaryOp::Has {
            return self.has(left, right, span);
        }
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            return self.logical_chain(op, left, right, span);
        }
        let (l, r) = self.operands(op, left, right);
        let (l, r) = (l?, r?);
        let (lt, rt) = (l.ty().cloned(), r.ty().cloned());
        match op {
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::Lt
            | BinaryOp::Le => {
                let cop = CompareOp::from_binary(op).unwrap_or(CompareOp::Le);
                if compare_type(cop, lt.as_ref(), rt.as_ref()).is_none() {
                    self.mismatch(op, left, lt.as_ref(), right, rt.as_ref(), span);
                    return None;
                }
                self.built(TypedExpr::compare(cop, l.expr, r.expr), span)
            }
            _ => self.arithmetic(op, l, r, left, right, span),
        }
    }

    /// `a or b or c …` (left-nested in the tree): checked as a list, so that a long chain, which the
    /// parser's depth limit does not bound, costs no recursion depth. Errors are the ones the recursive
    /// walk would report, with the spans of the same nodes.
    pub(super) fn logical_chain(
        &mut self,
        op: BinaryOp,
        left: &'a Expr,
        right: &'a Expr,
        span: Span,
    ) -> Option<Checked> {
        // The chain's binary nodes, innermost first, as (left, right, span).
        let mut nodes: Vec<(&'a Expr, &'a Expr, Span)> = vec![(left, right, span)];
        let mut first = left;
        while let ExprKind::Binary {
            op: o,
            left: l,
            right: r,
        } = &first.kind
        {
            if *o != op {
                break;
            }
            nodes.push((l, r, first.span));
            first = l;
        }
        nodes.reverse();
        let logical = if op == BinaryOp::And {
            LogicalOp::And
        } else {
            LogicalOp::Or
        };
        let ok = |t: Option<&EdmType>| matches!(t, None | Some(EdmType::Boolean));
        let mut acc = self.check(first, None).map(|c| c.expr);
        for (l_expr, r_expr, node_span) in nodes {
            let r = self.check(r_expr, None).map(|c| c.expr);
            acc = match (acc, r) {
                (Some(l), Some(r)) => {
                    if !ok(l.ty()) || !ok(r.ty()) {
                        let (lt, rt) = (l.ty().cloned(), r.ty().cloned());
                        self.mismatch(op, l_expr, lt.as_ref(), r_expr, rt.as_ref(), node_span);
                        None
                    } else {
                        self.built(TypedExpr::logical(logical, vec![l, r]), node_span)
                            .map(|c| c.expr)
                    }
                }
                _ => None,
            };
        }
        acc.map(Checked::plain)
    }

    pub(super) fn arithmetic(
        &mut self,
        op: BinaryOp,
        l: Checked,
        r: Checked,
        left: &Expr,
        right: &Expr,
        span: Span,
    ) -> Option<Checked> {
        use EdmType as T;
        let (lt, rt) = (l.ty(), r.ty());
        let aop = ArithmeticOp::from_binary(op).unwrap_or(ArithmeticOp::Mod);
        let ty = arithmetic_type(aop, lt, rt);
        let Some(ty) = ty else {
            self.mismatch(op, left, lt, right, rt, span);
            return None;
        };
        let constant = match (l.constant, r.constant) {
            (Some(a), Some(b)) if matches!(ty, Some(T::Int32 | T::Int64)) => {
                let v = int_arith(aop, a, b);
                match v {
                    Some(v) => Some(v),
                    None => {
                        let reason = if b == 0 && matches!(op, BinaryOp::Div | BinaryOp::Mod) {
                            Reason::DivisionByZero { dividend: a, op }
                        } else {
                            Reason::ConstantOverflow {
                                left: a,
                                op,
                                right: b,
                            }
                        };
                        self.error(ErrorKind::Overflow, span, reason);
                        return None;
                    }
                }
            }
            _ => None,
        };
        let mut c = self.built(TypedExpr::arithmetic(aop, l.expr, r.expr), span)?;
        c.constant = constant;
        Some(c)
    }

    pub(super) fn has(&mut self, left: &'a Expr, right: &'a Expr, span: Span) -> Option<Checked> {
        let l = self.check(left, None);
        let hint = l.as_ref().and_then(|l| l.ty().cloned());
        let r = self.check(right, hint.as_ref());
        let (l, r) = (l?, r?);
        let flags = match r.expr.as_literal().map(|l| l.value()) {
            Some(Value::Enum(v)) => Some(v.clone()),
            _ => None,
        };
        match (l.ty(), flags) {
            (Some(EdmType::Enum(e)), Some(v)) if Arc::ptr_eq(e, &v.ty) || **e == *v.ty => {
                self.built(TypedExpr::has(l.expr, v), span)
            }
            (Some(EdmType::Enum(_)), _) => {
                let found = r.ty().cloned();
                self.error(
                    ErrorKind::TypeMismatch,
                    right.span,
                    Reason::HasNeedsMember { found },
                );
                None
            }
            (lt, _) => {
                let lt = lt.cloned();
                self.mismatch(BinaryOp::Has, left, lt.as_ref(), right, r.ty(), span);
                None
            }
        }
    }

    pub(super) fn in_set(
        &mut self,
        operand: &'a Expr,
        set: &'a Expr,
        span: Span,
    ) -> Option<Checked> {
        let o = self.check(operand, None);
        let ot = o.as_ref().and_then(|o| o.ty().cloned());
        let items = match &set.kind {
            ExprKind::List(items) | ExprKind::Array(items) => items,
            ExprKind::Path(_) => {
                let s = self.check(set, None);
                let (o, s) = (o?, s?);
                let TypedExpr::Property(p) = s.expr else {
                    self.error(
                        ErrorKind::TypeMismatch,
                        set.span,
                        Reason::InNeedsListOrCollection,
                    );
                    return None;
                };
                let fits = match (p.ty().element_type(), o.ty()) {
                    (Some(_), None) => true,
                    (Some(e), Some(t)) => e == t || promote(e, t).is_some(),
                    (None, _) => false,
                };
                if !fits {
                    let reason = Reason::InCollectionType {
                        operand: o.ty().cloned(),
                        path: p.path_text(),
                        collection: p.ty().clone(),
                    };
                    self.error(ErrorKind::TypeMismatch, set.span, reason);
                    return None;
                }
                return self.built(TypedExpr::in_collection(o.expr, p), span);
            }
            _ => {
                self.check(set, None);
                self.error(
                    ErrorKind::TypeMismatch,
                    set.span,
                    Reason::InNeedsListOrCollection,
                );
                return None;
            }
        };
        if let Some(t) = &ot {
            if matches!(t, EdmType::Complex(_) | EdmType::Collection(_)) {
                let found = t.clone();
                self.error(
                    ErrorKind::TypeMismatch,
                    span,
                    Reason::InOperandType { found },
                );
                return None;
            }
        }
        let mut values = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            if !is_literal(item) {
                self.error(ErrorKind::Unsupported, item.span, Reason::InItemNotLiteral);
                ok = false;
                continue;
            }
            let Some(c) = self.check(item, ot.as_ref()) else {
                ok = false;
                continue;
            };
            let it = c.ty().cloned();
            let fits = match (&ot, &it) {
                (_, None) | (None, _) => true,
                (Some(a), Some(b)) => a == b || promote(a, b).is_some(),
            };
            if !fits {
                let reason = Reason::InItemType {
                    fix: mismatch_hint(item, ot.as_ref()),
                    item: it,
                    operand: ot.clone(),
                };
                self.error(ErrorKind::TypeMismatch, item.span, reason);
                ok = false;
                continue;
            }
            if let Some(l) = c.expr.as_literal() {
                values.push(l.value().clone());
            }
        }
        let o = o?;
        if !ok {
            return None;
        }
        self.built(TypedExpr::in_values(o.expr, values), span)
    }
}
