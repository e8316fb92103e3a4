//! Operators: comparison, logical chains, arithmetic, `has`, `in`.

use super::*;

/// OData's name for an operator in "incompatible types" messages.
pub(super) fn operator_kind(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Eq => "Equal",
        BinaryOp::Ne => "NotEqual",
        BinaryOp::Gt => "GreaterThan",
        BinaryOp::Ge => "GreaterThanOrEqual",
        BinaryOp::Lt => "LessThan",
        BinaryOp::Le => "LessThanOrEqual",
        BinaryOp::Has => "Has",
        BinaryOp::And => "And",
        BinaryOp::Or => "Or",
        BinaryOp::Add => "Add",
        BinaryOp::Sub => "Subtract",
        BinaryOp::Mul => "Multiply",
        BinaryOp::Div => "Divide",
        BinaryOp::DivBy => "DivideBy",
        BinaryOp::Mod => "Modulo",
    }
}

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
                                self.error(
                                    ErrorKind::Overflow,
                                    span,
                                    "Negating this constant overflows Edm.Int64.",
                                );
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
                    self.error(
                        ErrorKind::Overflow,
                        span,
                        "Negating this constant overflows Edm.Int64.",
                    );
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
                        let msg = format!(
                            "The operand of '-' must be a number or a duration, but it is of type '{t}'."
                        );
                        self.error(ErrorKind::TypeMismatch, span, msg);
                        None
                    }
                }
            }
            UnaryOp::Not => {
                let c = self.check(operand, None)?;
                match c.ty() {
                    None | Some(EdmType::Boolean) => self.built(TypedExpr::not(c.expr), span),
                    Some(t) => {
                        let what = match &operand.kind {
                            ExprKind::Path(_) | ExprKind::Call { .. } => {
                                format!("'{operand}' is of type '{t}'")
                            }
                            _ => format!("its operand is of type '{t}'"),
                        };
                        let msg = match compared {
                            Some((op, right)) => format!(
                                "The 'not' operator needs a Boolean operand, but {what}. 'not' binds tighter than '{op}': \"not {operand} {op} {right}\" reads as \"(not {operand}) {op} {right}\". To negate the comparison write \"not ({operand} {op} {right})\"."
                            ),
                            None => format!("The 'not' operator needs a Boolean operand, but {what}."),
                        };
                        self.error(ErrorKind::TypeMismatch, span, msg);
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
        let mut msg = format!(
            "A binary operator with incompatible types was detected. Found operand types '{}' and '{}' for operator kind '{}'.",
            type_name(lt),
            type_name(rt),
            operator_kind(op)
        );
        let hint = mismatch_hint(right, lt).or_else(|| mismatch_hint(left, rt));
        if let Some(h) = hint {
            msg.push(' ');
            msg.push_str(&h);
        }
        self.error(ErrorKind::TypeMismatch, span, msg);
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
                        let msg = if b == 0 && matches!(op, BinaryOp::Div | BinaryOp::Mod) {
                            format!(
                                "Division by zero in a constant expression ({a} {} 0).",
                                op.keyword()
                            )
                        } else {
                            format!(
                                "The constant expression {a} {} {b} overflows Edm.Int64.",
                                op.keyword()
                            )
                        };
                        self.error(ErrorKind::Overflow, span, msg);
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
                let msg = format!(
                    "The right operand of 'has' must be a member of the left operand's enum type (a quoted member name), found '{}'.",
                    type_name(r.ty())
                );
                self.error(ErrorKind::TypeMismatch, right.span, msg);
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
                        "The right side of 'in' must be a list of values or a collection property.",
                    );
                    return None;
                };
                let fits = match (p.ty().element_type(), o.ty()) {
                    (Some(_), None) => true,
                    (Some(e), Some(t)) => e == t || promote(e, t).is_some(),
                    (None, _) => false,
                };
                if !fits {
                    let msg = format!(
                        "The right side of 'in' must be a collection of '{}', but '{}' is of type '{}'.",
                        type_name(o.ty()),
                        p.path_text(),
                        p.ty()
                    );
                    self.error(ErrorKind::TypeMismatch, set.span, msg);
                    return None;
                }
                return self.built(TypedExpr::in_collection(o.expr, p), span);
            }
            _ => {
                self.check(set, None);
                self.error(
                    ErrorKind::TypeMismatch,
                    set.span,
                    "The right side of 'in' must be a parenthesised list of values or a collection property.",
                );
                return None;
            }
        };
        if let Some(t) = &ot {
            if matches!(t, EdmType::Complex(_) | EdmType::Collection(_)) {
                let msg = format!("'in' needs a primitive or enum operand, found '{t}'.");
                self.error(ErrorKind::TypeMismatch, span, msg);
                return None;
            }
        }
        let mut values = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            if !is_literal(item) {
                self.error(
                    ErrorKind::Unsupported,
                    item.span,
                    "The items of an 'in' list must be literal values.",
                );
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
                let mut msg = format!(
                    "The 'in' list item of type '{}' does not match the operand type '{}'.",
                    type_name(it.as_ref()),
                    type_name(ot.as_ref())
                );
                if let Some(h) = mismatch_hint(item, ot.as_ref()) {
                    msg.push(' ');
                    msg.push_str(&h);
                }
                self.error(ErrorKind::TypeMismatch, item.span, msg);
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
