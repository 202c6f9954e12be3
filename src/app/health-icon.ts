// Icon and style class for a health state, shared by rows and pages.
import { type Health, severity } from '../shared/health.js';

export function healthIconName(health: Health): string {
    switch (severity(health)) {
    case 0: return 'object-select-symbolic';
    case 1: return 'dialog-warning-symbolic';
    default: return 'dialog-error-symbolic';
    }
}

export function healthCssClass(health: Health): string {
    switch (severity(health)) {
    case 0: return 'success';
    case 1: return 'warning';
    default: return 'error';
    }
}
