"""ariadne-codegen plugin: generated models never print secret values in their repr.

The GraphQL models are pydantic; a field declared with `Field(repr=False)` is left out of `repr()`
and `str()`. This marks every input and result field that can hold a token, an authorization code or
auth data. Names are GraphQL field names, so a new secret field in spec/ only needs adding here.
"""

import ast

from ariadne_codegen.plugins.base import Plugin
from graphql import FieldNode, GraphQLInputField

SECRET_FIELDS = frozenset(
    {"accessToken", "authorizationCode", "data", "formData", "input", "output", "credentials"}
)


def _hide_from_repr(field: ast.AnnAssign) -> ast.AnnAssign:
    repr_false = ast.keyword(arg="repr", value=ast.Constant(value=False))
    value = field.value
    is_field_call = (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "Field"
    )
    if is_field_call:
        assert isinstance(value, ast.Call)
        value.keywords.append(repr_false)
    elif value is None:
        field.value = ast.Call(func=ast.Name(id="Field"), args=[], keywords=[repr_false])
    else:  # a plain default value
        default = ast.keyword(arg="default", value=value)
        field.value = ast.Call(func=ast.Name(id="Field"), args=[], keywords=[default, repr_false])
    return field


class SecretFieldsPlugin(Plugin):
    def generate_input_field(
        self, field_implementation: ast.AnnAssign, input_field: GraphQLInputField, field_name: str
    ) -> ast.AnnAssign:
        if field_name in SECRET_FIELDS:
            return _hide_from_repr(field_implementation)
        return field_implementation

    def generate_result_field(
        self, field_implementation: ast.AnnAssign, operation_definition: object, field: FieldNode
    ) -> ast.AnnAssign:
        if field.name.value in SECRET_FIELDS:
            return _hide_from_repr(field_implementation)
        return field_implementation

    def generate_inputs_module(self, module: ast.Module) -> ast.Module:
        return _ensure_field_import(module)

    def generate_result_types_module(
        self, module: ast.Module, operation_definition: object
    ) -> ast.Module:
        return _ensure_field_import(module)


def _ensure_field_import(module: ast.Module) -> ast.Module:
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and node.module == "pydantic":
            if not any(alias.name == "Field" for alias in node.names):
                node.names.append(ast.alias(name="Field"))
            return module
    module.body.insert(
        0, ast.ImportFrom(module="pydantic", names=[ast.alias(name="Field")], level=0)
    )
    return module
