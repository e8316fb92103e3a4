//! Functions, casts and paths (type names, segments, annotations, aliases), and lambdas.

use odata_filter::ast::{ExprKind, Function, LambdaKind, PathRoot, SegmentKind};
use odata_filter::{parse_filter, ErrorKind};

use super::{canonical, fails_at, parse};

#[test]
fn type_names_only_as_the_last_argument_of_cast_and_isof() {
    let e = parse("isof(Location,Edm.GeographyPoint)");
    let ExprKind::Call { function, args } = &e.kind else {
        panic!()
    };
    assert_eq!(*function, Function::IsOf);
    assert_eq!(
        args[1].kind,
        ExprKind::TypeName("Edm.GeographyPoint".into())
    );
    canonical("cast(Model.Customer)", "cast(Model.Customer)");
    canonical(
        "cast(a,Collection(Edm.String))",
        "cast(a, Collection(Edm.String))",
    );
    canonical("isof(Customer)", "isof(Customer)");
    let err = parse_filter("length(Edm.String)").unwrap_err();
    assert_eq!((err.kind(), err.span().start), (ErrorKind::Syntax, 7));
    // A qualified name alone is neither a property nor a call.
    fails_at("Model.Available", 15);
    fails_at("a eq Model.Available", 20);
    canonical("Model.Available()", "Model.Available()");
    canonical("Model.Manager/Name eq 'x'", "Model.Manager/Name eq 'x'");
}

#[test]
fn path_segments() {
    let e = parse("$it/a/Model.T/$count/@Core.Messages/Model.F(p=1)");
    let ExprKind::Path(p) = &e.kind else { panic!() };
    assert_eq!(p.root, PathRoot::It);
    let kinds: Vec<_> = p.segments.iter().map(|s| s.kind.clone()).collect();
    assert_eq!(kinds.len(), 5);
    assert_eq!(kinds[0], SegmentKind::Property("a".into()));
    assert_eq!(kinds[1], SegmentKind::TypeCast("Model.T".into()));
    assert_eq!(kinds[2], SegmentKind::Count);
    assert_eq!(kinds[3], SegmentKind::Annotation("Core.Messages".into()));
    assert!(
        matches!(&kinds[4], SegmentKind::Function { name, params } if name == "Model.F" && params.len() == 1)
    );
    canonical(
        "Price/@Currency#Reporting eq 'EUR'",
        "Price/@Currency#Reporting eq 'EUR'",
    );
}

#[test]
fn an_at_sign_starts_an_alias_or_an_annotation_path() {
    assert!(matches!(parse("@p").kind, ExprKind::Alias(ref i) if i.name == "p"));
    let ExprKind::Path(p) = parse("@Messages/any(m: m/severity eq 'error')").kind else {
        panic!()
    };
    assert_eq!(
        p.segments[0].kind,
        SegmentKind::Annotation("Messages".into())
    );
    assert!(matches!(
        parse("@Core.Messages").kind,
        ExprKind::Path(ref p) if p.segments[0].kind == SegmentKind::Annotation("Core.Messages".into())
    ));
}

// ---------------------------------------------------------------------------------------------------
// Lambdas

#[test]
fn lambdas() {
    let ExprKind::Path(p) = parse("Products/any()").kind else {
        panic!()
    };
    let lambda = p.lambda.expect("lambda");
    assert_eq!(
        (lambda.kind, lambda.predicate.is_none()),
        (LambdaKind::Any, true)
    );
    canonical("Products/ANY( )", "Products/any()");
    canonical("a/any( x : x eq 1 )", "a/any(x: x eq 1)");
    canonical(
        "a/any(x:x/b/all(y:y/c eq x/d))",
        "a/any(x: x/b/all(y: y/c eq x/d))",
    );
    canonical(
        "a/all(x: x/b/any(y: y eq $it/c) or x/d/any())",
        "a/all(x: x/b/any(y: y eq $it/c) or x/d/any())",
    );
    let ExprKind::Path(p) = parse("a/any(x: x/b/any(y: y eq x))").kind else {
        panic!()
    };
    let (var, body) = p.lambda.unwrap().predicate.unwrap();
    assert_eq!(var.name, "x");
    let ExprKind::Path(inner) = &body.kind else {
        panic!()
    };
    assert_eq!(inner.lambda.as_ref().unwrap().kind, LambdaKind::Any);
}

#[test]
fn malformed_lambdas_are_rejected() {
    let err = parse_filter("Products/all()").unwrap_err();
    assert_eq!(
        (err.kind(), err.span().start),
        (ErrorKind::InvalidLambda, 9)
    );
    assert_eq!(
        parse_filter("a/any(x: x eq 1)/b").unwrap_err().kind(),
        ErrorKind::InvalidLambda
    );
    assert_eq!(
        parse_filter("a/any(x x eq 1)").unwrap_err().kind(),
        ErrorKind::Syntax
    );
    // A lambda needs a collection path before it.
    assert!(parse_filter("any()").is_err());
    assert!(parse_filter("all(x: true)").is_err());
}
