CREATE TABLE `flow_counts` (
	`flow_uuid` text NOT NULL,
	`version` integer NOT NULL,
	`node_uuid` text NOT NULL,
	`category_uuid` text NOT NULL,
	`contacts` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`flow_uuid`, `version`, `node_uuid`, `category_uuid`)
);
--> statement-breakpoint
CREATE TABLE `flow_passes` (
	`flow_uuid` text NOT NULL,
	`version` integer NOT NULL,
	`node_uuid` text NOT NULL,
	`contact_uuid` text NOT NULL,
	`category_uuid` text NOT NULL,
	`passed_on` text NOT NULL,
	PRIMARY KEY(`flow_uuid`, `version`, `node_uuid`, `contact_uuid`)
);
--> statement-breakpoint
-- Written by hand (drizzle has no triggers): a flow_passes row that lands counts once in flow_counts;
-- a row already there (a redelivered D1 write) is not inserted, so it fires nothing.
CREATE TRIGGER `flow_passes_count` AFTER INSERT ON `flow_passes` BEGIN
	INSERT INTO `flow_counts` (`flow_uuid`, `version`, `node_uuid`, `category_uuid`, `contacts`)
	VALUES (NEW.`flow_uuid`, NEW.`version`, NEW.`node_uuid`, NEW.`category_uuid`, 1)
	ON CONFLICT (`flow_uuid`, `version`, `node_uuid`, `category_uuid`) DO UPDATE SET `contacts` = `contacts` + 1;
END;
