package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/config"
)

func newConfigCmd(g *globals, o Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show or change settings",
		Long: `Settings come from, in increasing priority: built-in defaults, the config file, environment
variables (SWARMDESK_<SECTION>_<KEY>, e.g. SWARMDESK_RESOURCES_THREADS) and --set key=value.`,
	}
	show := &cobra.Command{
		Use:   "show",
		Short: "List every setting with its value and where the value comes from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := loadEnv(g, o)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintf(w, "# config file: %s\n", e.ConfigPath)
			fmt.Fprintln(w, "KEY\tVALUE\tSOURCE\tMEANING")
			for _, k := range config.Keys() {
				v, _ := e.Config.Get(k)
				src := e.Sources[k]
				if src == "" {
					src = "default"
				}
				fmt.Fprintf(w, "%s\t%q\t%s\t%s\n", k, v, src, config.Help(k))
			}
			return w.Flush()
		},
	}
	path := &cobra.Command{
		Use:   "path",
		Short: "Print the config file and the data, config and cache folders",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := loadEnv(g, o)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "config file: %s\nconfig dir:  %s\ndata dir:    %s\ncache dir:   %s\n",
				e.ConfigPath, e.Dirs.Config, e.Dirs.Data, e.Dirs.Cache)
			return nil
		},
	}
	set := &cobra.Command{
		Use:   "set <key> <value>",
		Short: "Change a setting in the config file",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := loadEnv(g, o)
			if err != nil {
				return err
			}
			c, _, err := config.LoadFile(e.ConfigPath) // without env and flag overrides
			if err != nil {
				return err
			}
			if err := c.Set(args[0], args[1]); err != nil {
				return err
			}
			if err := config.Save(e.ConfigPath, c); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s = %q (saved to %s)\n", args[0], args[1], e.ConfigPath)
			return nil
		},
	}
	cmd.AddCommand(show, path, set)
	return cmd
}
