// jest-dom's DOM matchers (toHaveTextContent, toBeEnabled, …) for vitest's expect.
import '@testing-library/jest-dom/vitest';
