// Values Meson writes into config.js at build time.
export declare const VERSION: string;
export declare const PKGDATADIR: string;
export declare const LOCALEDIR: string;
export declare const GETTEXT_PACKAGE: string;
export declare const APP_ID: string;
export declare const LOCALSTATEDIR: string;
export declare const DBUS_INTERFACES_DIR: string;
export declare const SYSCONFDIR: string;
