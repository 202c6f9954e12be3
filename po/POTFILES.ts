# TypeScript sources with translatable strings. xgettext 0.23 has no
# TypeScript parser; build-aux/update-po.sh reads these as JavaScript.
src/app/application.ts
src/app/dashboard-page.ts
src/app/health-watcher.ts
src/app/pool-page.ts
src/app/pool-row.ts
src/app/window.ts
src/cli/main.ts
src/shared/format.ts
gnome-shell-extension/indicator.ts
gnome-shell-extension/status.ts
nautilus-extension/menu-provider.ts
