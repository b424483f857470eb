//! The Go grammar's node kinds and fields that GO_QUERY's patterns and the handlers name, as ids
//! (the extractor compares ids, never names: a field looked up by name is a scan of the
//! grammar's field names).

use std::sync::OnceLock;

use crate::goparse::go_language;

/// What a node's kind asks of the walk when it is the parent of the node entered.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    Other,
    Package,
    Import,
    Func,
    Method,
    TypeSpec,
    TypeAlias,
    Call,
    Conversion,
    ShortVar,
    Range,
    FuncLiteral,
    Arguments,
    LiteralElement,
    Assignment,
    ExpressionList,
    Send,
    VarSpec,
    TypeSwitch,
    ConstSpec,
    Unary,
    /// Only its children's fields are needed (by the patterns of their children).
    FieldsOnly,
    /// Holds no node any pattern matches: the walk does not go in.
    Opaque,
}

pub struct Kinds {
    pub parent: Vec<Parent>,
    pub identifier: u16,
    pub comment: u16,
    pub selector: u16,
    pub call: u16,
    pub package_identifier: u16,
    pub field_identifier: u16,
    pub type_identifier: u16,
    pub generic_type: u16,
    pub expression_list: u16,
    pub parameter_list: u16,
    pub argument_list: u16,
    pub literal_value: u16,
    pub literal_element: u16,
    pub keyed_element: u16,
    pub short_var: u16,
    pub return_statement: u16,
    pub var_spec: u16,
    pub go_statement: u16,
    pub expression_statement: u16,
    pub arrow: u16,
    pub f_path: u16,
    pub f_name: u16,
    pub f_receiver: u16,
    pub f_type: u16,
    pub f_function: u16,
    pub f_arguments: u16,
    pub f_left: u16,
    pub f_right: u16,
    pub f_parameters: u16,
    pub f_key: u16,
    pub f_value: u16,
    pub f_channel: u16,
    pub f_alias: u16,
    pub f_operand: u16,
    pub f_operator: u16,
    pub f_result: u16,
    pub f_type_parameters: u16,
    pub f_body: u16,
    pub f_field: u16,
}

pub fn kinds() -> &'static Kinds {
    static KINDS: OnceLock<Kinds> = OnceLock::new();
    KINDS.get_or_init(|| {
        let language = go_language();
        let kind = |name: &str| {
            let id = language.id_for_node_kind(name, true);
            assert_ne!(id, 0, "the Go grammar has {name}");
            id
        };
        let field = |name: &str| language.field_id_for_name(name).expect("a field of the Go grammar").get();
        let mut parent = vec![Parent::Other; language.node_kind_count() + 1];
        for (name, role) in [
            ("package_clause", Parent::Package),
            ("import_spec", Parent::Import),
            ("function_declaration", Parent::Func),
            ("method_declaration", Parent::Method),
            ("type_spec", Parent::TypeSpec),
            ("type_alias", Parent::TypeAlias),
            ("call_expression", Parent::Call),
            ("type_conversion_expression", Parent::Conversion),
            ("short_var_declaration", Parent::ShortVar),
            ("range_clause", Parent::Range),
            ("func_literal", Parent::FuncLiteral),
            ("argument_list", Parent::Arguments),
            ("literal_element", Parent::LiteralElement),
            ("assignment_statement", Parent::Assignment),
            ("expression_list", Parent::ExpressionList),
            ("send_statement", Parent::Send),
            ("var_spec", Parent::VarSpec),
            ("type_switch_statement", Parent::TypeSwitch),
            ("const_spec", Parent::ConstSpec),
            ("unary_expression", Parent::Unary),
            ("keyed_element", Parent::FieldsOnly),
            ("interpreted_string_literal", Parent::Opaque),
            ("raw_string_literal", Parent::Opaque),
            ("rune_literal", Parent::Opaque),
            ("qualified_type", Parent::Opaque),
        ] {
            parent[kind(name) as usize] = role;
        }
        Kinds {
            parent,
            identifier: kind("identifier"),
            comment: kind("comment"),
            selector: kind("selector_expression"),
            call: kind("call_expression"),
            package_identifier: kind("package_identifier"),
            field_identifier: kind("field_identifier"),
            type_identifier: kind("type_identifier"),
            generic_type: kind("generic_type"),
            expression_list: kind("expression_list"),
            parameter_list: kind("parameter_list"),
            argument_list: kind("argument_list"),
            literal_value: kind("literal_value"),
            literal_element: kind("literal_element"),
            keyed_element: kind("keyed_element"),
            short_var: kind("short_var_declaration"),
            return_statement: kind("return_statement"),
            var_spec: kind("var_spec"),
            go_statement: kind("go_statement"),
            expression_statement: kind("expression_statement"),
            arrow: language.id_for_node_kind("<-", false),
            f_path: field("path"),
            f_name: field("name"),
            f_receiver: field("receiver"),
            f_type: field("type"),
            f_function: field("function"),
            f_arguments: field("arguments"),
            f_left: field("left"),
            f_right: field("right"),
            f_parameters: field("parameters"),
            f_key: field("key"),
            f_value: field("value"),
            f_channel: field("channel"),
            f_alias: field("alias"),
            f_operand: field("operand"),
            f_operator: field("operator"),
            f_result: field("result"),
            f_type_parameters: field("type_parameters"),
            f_body: field("body"),
            f_field: field("field"),
        }
    })
}
