// SigmaVault's top-bar indicator: the worst pool health at a glance, and a
// menu with each pool's health and capacity. Everything is created in
// enable() and torn down in disable(); nothing runs while disabled.
import { Extension } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';
import { SigmaVaultIndicator } from './indicator.js';
import { PoolClient } from './pool-client.js';
import { openSettings } from './settings-launcher.js';

export default class SigmaVaultExtension extends Extension {
    private indicator: SigmaVaultIndicator | null = null;
    private client: PoolClient | null = null;

    override enable(): void {
        const indicator = new SigmaVaultIndicator(openSettings);
        Main.panel.addToStatusArea(this.uuid, indicator);
        this.indicator = indicator;
        this.client = new PoolClient(state => {
            indicator.update(state);
        });
        this.client.start();
    }

    override disable(): void {
        this.client?.destroy();
        this.client = null;
        this.indicator?.destroy();
        this.indicator = null;
    }
}
