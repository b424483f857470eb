"""The only module that imports tree_sitter: Go source bytes -> syntax tree + query matches."""

from __future__ import annotations

from typing import Any

import tree_sitter
import tree_sitter_go

# One compiled query answers everything extract.py needs in a single pass over the tree.
# Capture names are "<what>" for the whole node and "<what>.<part>" for its parts.
GO_QUERY = r"""
(package_clause (package_identifier) @package.name)
(import_spec name: (_)? @import.alias path: (_) @import.path) @import
(function_declaration name: (identifier) @func.name) @func
(method_declaration receiver: (parameter_list) @method.receiver name: (field_identifier) @method.name) @method
(type_spec name: (type_identifier) @type.name type: (_) @type.body) @type
(type_alias name: (type_identifier) @alias.name type: (_) @alias.body) @alias
(call_expression function: (_) @call.fn)
(type_conversion_expression type: (generic_type) @call.fn)
(short_var_declaration left: (expression_list) @local.names right: (expression_list) @local.values)
(range_clause left: (expression_list) @range.names right: (_) @range.value) @range
(func_literal parameters: (parameter_list) @closure.params)
(argument_list [(identifier) (selector_expression)] @ref)
(literal_value (keyed_element key: (literal_element (_) @keyed.key) value: (literal_element [(identifier) (selector_expression)] @keyed.value)))
(literal_value (literal_element [(identifier) (selector_expression)] @ref))
(assignment_statement left: (expression_list) @assign.left right: (expression_list) @assign.right)
(short_var_declaration right: (expression_list [(identifier) (selector_expression)] @ref))
(return_statement (expression_list [(identifier) (selector_expression)] @ref))
(send_statement value: [(identifier) (selector_expression)] @ref)
(var_spec value: (expression_list [(identifier) (selector_expression)] @ref))
(var_spec name: (identifier) @var.name type: (_)? @var.type) @var
(type_switch_statement alias: (expression_list (identifier) @tswitch.name) value: (_) @tswitch.value) @tswitch
(const_spec name: (identifier) @const.name) @const
(send_statement channel: [(identifier) (selector_expression) (call_expression)] @send.channel)
(unary_expression operator: "<-" operand: [(identifier) (selector_expression) (call_expression)] @receive.channel)
(range_clause right: [(identifier) (selector_expression) (call_expression)] @ranged.channel)
[(go_statement (call_expression arguments: (argument_list (call_expression function: (selector_expression)) @handed))) (expression_statement (call_expression arguments: (argument_list (call_expression function: (selector_expression)) @handed)))]
"""

PATTERN_NAMES = tuple(
    line.split("@")[-1].split(".")[0].rstrip(")] ").strip() for line in GO_QUERY.strip().splitlines()
)

Node = Any  # a tree_sitter.Node; callers only use its attributes, never import tree_sitter
Captures = dict[str, list[Node]]  # one query match: capture name -> nodes


class GoParser:
    """A tree-sitter Go parser with the compiled extraction query; one per worker process."""

    def __init__(self) -> None:
        self._language = tree_sitter.Language(tree_sitter_go.language())
        self._parser = tree_sitter.Parser(self._language)
        self._query = tree_sitter.Query(self._language, GO_QUERY)
        self._cursor = tree_sitter.QueryCursor(self._query)

    def parse(self, source: bytes) -> Node:
        """Parse Go source and return the root node."""
        return self._parser.parse(source).root_node

    def matches(self, root: Node) -> list[tuple[int, Captures]]:
        """(pattern index into PATTERN_NAMES, {capture name: nodes}) for each query match, in
        document order."""
        return self._cursor.matches(root)

    def first_missing_line(self, root: Node) -> int:
        """1-based line of the first MISSING or ERROR node (0 if the tree is clean)."""
        if not root.has_error:
            return 0
        stack = [root]
        while stack:
            node = stack.pop()
            if node.is_missing or node.is_error:
                return node.start_point[0] + 1
            stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
        return 1
