/* sigmavault-nautilus.c — the Files (Nautilus 48) module of SigmaVault.
 *
 * Nautilus loads only native modules, so this one embeds GJS and hands
 * Nautilus the Nautilus.MenuProvider class that menu-provider.js (compiled
 * from menu-provider.ts) registers under the GTypeName
 * "SigmaVaultMenuProvider". Everything else happens in JavaScript.
 *
 * Rules (DESIGN.md, "Files context menu"; verified on Nautilus 48 + gjs 1.82):
 *  - reuse the GJS context of the process if there is one: creating a second
 *    one aborts Nautilus;
 *  - evaluate exactly one ES module file;
 *  - find the class by its GTypeName and check that it is a
 *    NAUTILUS_TYPE_MENU_PROVIDER before handing it out;
 *  - on any failure, log what failed and hand out no types, so Files runs on
 *    without the menu item;
 *  - never unref the context: the class and its instances live in it for as
 *    long as Nautilus runs. For the same reason the module is linked with
 *    -z nodelete: even if Nautilus closed it, the GJS and SpiderMonkey
 *    libraries it brought in must stay.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gjs/gjs.h>
#include <nautilus-extension.h>

#ifndef SIGMAVAULT_NAUTILUS_JS
#error "SIGMAVAULT_NAUTILUS_JS (the installed menu-provider.js) must be defined by the build"
#endif

#define PROVIDER_TYPE_NAME "SigmaVaultMenuProvider"

/* Tests only: load the provider from elsewhere than the installed file. */
#define JS_OVERRIDE_ENV "SIGMAVAULT_NAUTILUS_JS"

G_MODULE_EXPORT void nautilus_module_initialize (GTypeModule *module);
G_MODULE_EXPORT void nautilus_module_shutdown (void);
G_MODULE_EXPORT void nautilus_module_list_types (const GType **types,
                                                 int          *num_types);

static GType provider_types[1];
static int n_provider_types = 0;

static GType
load_provider_type (void)
{
  const char *path = g_getenv (JS_OVERRIDE_ENV);
  GjsContext *context;
  g_autoptr (GError) error = NULL;
  uint8_t exit_status = 0;
  GType type;

  if (path == NULL || *path == '\0')
    path = SIGMAVAULT_NAUTILUS_JS;

  /* Another module may already have brought GJS into this process. */
  context = gjs_context_get_current ();
  if (context == NULL)
    {
      context = gjs_context_new ();
      if (context == NULL)
        {
          g_warning ("SigmaVault: could not create a GJS context; "
                     "\"Show in SigmaVault\" is unavailable in Files");
          return G_TYPE_INVALID;
        }
      /* Kept for the life of the process, deliberately never unreffed. */
    }

  if (!gjs_context_eval_module_file (context, path, &exit_status, &error))
    {
      g_warning ("SigmaVault: could not load %s (%s, exit status %u); "
                 "\"Show in SigmaVault\" is unavailable in Files. "
                 "Reinstalling SigmaVault restores the file",
                 path, error ? error->message : "no error message",
                 exit_status);
      return G_TYPE_INVALID;
    }

  type = g_type_from_name (PROVIDER_TYPE_NAME);
  if (type == G_TYPE_INVALID)
    {
      g_warning ("SigmaVault: %s was evaluated but registered no %s class; "
                 "\"Show in SigmaVault\" is unavailable in Files",
                 path, PROVIDER_TYPE_NAME);
      return G_TYPE_INVALID;
    }
  if (!g_type_is_a (type, NAUTILUS_TYPE_MENU_PROVIDER))
    {
      g_warning ("SigmaVault: %s is a %s, not a NautilusMenuProvider; "
                 "\"Show in SigmaVault\" is unavailable in Files",
                 PROVIDER_TYPE_NAME, g_type_name (g_type_parent (type)));
      return G_TYPE_INVALID;
    }

  return type;
}

void
nautilus_module_initialize (GTypeModule *module)
{
  GType type;

  (void) module;
  n_provider_types = 0;

  type = load_provider_type ();
  if (type == G_TYPE_INVALID)
    return;

  provider_types[0] = type;
  n_provider_types = 1;
  g_message ("SigmaVault: Files menu provider %s registered", PROVIDER_TYPE_NAME);
}

void
nautilus_module_list_types (const GType **types,
                            int          *num_types)
{
  *types = provider_types;
  *num_types = n_provider_types;
}

void
nautilus_module_shutdown (void)
{
  /* Nothing to free: the GJS context and the class outlive the module. */
}
