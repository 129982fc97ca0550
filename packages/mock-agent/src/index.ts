// placeholder export so the package builds; replaced as the package grows
export const VERSION = '0.1.0';
