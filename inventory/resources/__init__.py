"""The resource library: toolkits, guidance and flyers the office publishes to an audience
(office, board, grantees, public), each a file or a link kept in numbered versions.

- `uploads`: the file types allowed, judged by extension and first bytes; the size limit.
- `services`: publish, change, add a version, retire and restore.
- `forms`, `views` (the office's pages and the portal's library for grantees and board
  members), `public` (the public pages under /public/resources/).
Who sees what is in inventory.permissions (`resource_audiences`) and
`Resource.objects.visible_to(user)`; docs/inventory.md has the rules."""
