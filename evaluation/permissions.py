"""Who may do what in evaluation. The rules live where they are enforced, not in functions
nobody calls:

- impact evaluations and the office's side of needs assessments are office pages
  (`ovp.accounts.permissions.office_required` on every view in evaluation/views/);
- a board member reaches an assessment only through `evaluation.selectors.assessments`, which
  scopes to the boards they currently sit on (`stakeholders.permissions.is_current_board_member`):
  any other assessment answers 404, as does a draft never sent;
- the permissions matrix (tests/test_permissions_matrix.py) asks every evaluation URL as every
  role.
"""
